import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const root = fileURLToPath(new URL('../../', import.meta.url));
const services = ['campaign', 'donation', 'disbursement', 'ledger', 'web'] as const;
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(name: string, url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output.slice(-30).join('')}`);
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready at ${url}/readyz within 60 s:\n${output.slice(-30).join('')}`);
}

/**
 * Starts every service as its own process, exactly as `npm start` does, on free ports with fresh databases and
 * consumer groups, and hands their URLs and secrets to the tests.
 */
export async function setup(project: TestProject): Promise<void> {
  const run = randomBytes(4).toString('hex');
  const ports = Object.fromEntries(await Promise.all(services.map(async (name) => [name, await freePort()] as const))) as Record<(typeof services)[number], number>;
  const url = (name: (typeof services)[number]) => `http://127.0.0.1:${ports[name]}`;
  const secrets = {
    PLATFORM_ADMIN_KEY: randomBytes(32).toString('base64url'),
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('hex')}`,
    STRIPE_SECRET_KEY: 'sk_test_e2e',
    DONOR_DATA_KEY: randomBytes(32).toString('base64'),
    LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
  };
  const env = {
    ...process.env,
    ...secrets,
    LOG_LEVEL: 'warn',
    KAFKA_GROUP_PREFIX: `e2e-${run}.`,
    KAFKA_START_AT: 'end',
    CAMPAIGN_URL: url('campaign'),
    DONATION_URL: url('donation'),
    DISBURSEMENT_URL: url('disbursement'),
    LEDGER_URL: url('ledger'),
    CAMPAIGN_DB_NAME: `e2e_${run}_campaign`,
    DONATION_DB_NAME: `e2e_${run}_donation`,
    DISBURSEMENT_DB_NAME: `e2e_${run}_disbursement`,
    LEDGER_DB_NAME: `e2e_${run}_ledger`,
  };
  await Promise.all(
    services.map(async (name) => {
      const output: string[] = [];
      const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', `services/${name}/src/main.ts`], {
        cwd: root,
        env: { ...env, PORT: String(ports[name]) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      children.push(child);
      await waitReady(name, url(name), child, output);
    }),
  );
  project.provide('urls', { campaign: url('campaign'), donation: url('donation'), disbursement: url('disbursement'), ledger: url('ledger'), web: url('web') });
  project.provide('secrets', { platformAdminKey: secrets.PLATFORM_ADMIN_KEY, stripeWebhookSecret: secrets.STRIPE_WEBHOOK_SECRET });
}

export async function teardown(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

declare module 'vitest' {
  export interface ProvidedContext {
    urls: { campaign: string; donation: string; disbursement: string; ledger: string; web: string };
    secrets: { platformAdminKey: string; stripeWebhookSecret: string };
  }
}
