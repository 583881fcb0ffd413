import type { TestProject } from 'vitest/node';
import { startServiceProcesses, type ServiceProcesses } from './harness/service-processes.ts';

let platform: ServiceProcesses | undefined;

/**
 * Starts every service as its own process, exactly as `npm start` does, on free ports with fresh databases and
 * consumer groups, and hands their URLs and secrets to the tests.
 */
export async function setup(project: TestProject): Promise<void> {
  platform = await startServiceProcesses();
  project.provide('urls', platform.urls);
  project.provide('secrets', platform.secrets);
  project.provide('metricsUrls', platform.metricsUrls);
}

export async function teardown(): Promise<void> {
  await platform?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    urls: { campaign: string; donation: string; disbursement: string; ledger: string; web: string };
    secrets: { platformAdminKey: string; stripeWebhookSecret: string; metricsToken: string };
    metricsUrls: { campaign: string; donation: string; disbursement: string; ledger: string };
  }
}
