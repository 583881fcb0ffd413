import { randomBytes } from 'node:crypto';
import { sessionVerifyKeyOf } from '@aid/local-infra';
import { startService, type RunningService } from '@aid/runtime';
import { limitsOutOfTheWay, testEndpoints, uniqueName, type PlatformUrls } from '@aid/test-kit';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
// The services are applications, not libraries: their composition (buildApp + config) is reached by path, the
// way their own main.ts reaches it, so the platform runs here exactly as each main.ts would run it.
import { buildApp as buildCampaign } from '../../../services/campaign/src/app.ts';
import { loadConfig as loadCampaignConfig } from '../../../services/campaign/src/config.ts';
import { buildApp as buildDisbursement } from '../../../services/disbursement/src/app.ts';
import { loadConfig as loadDisbursementConfig } from '../../../services/disbursement/src/config.ts';
import { buildApp as buildDonation } from '../../../services/donation/src/app.ts';
import { loadConfig as loadDonationConfig } from '../../../services/donation/src/config.ts';
import { buildApp as buildLedger } from '../../../services/ledger/src/app.ts';
import { loadLedgerConfig } from '../../../services/ledger/src/config.ts';

export interface InProcessPlatform {
  urls: PlatformUrls;
  secrets: { platformAdminKey: string; stripeWebhookSecret: string };
  /** Each service's database name, for tests that play time forward on what a service stored. */
  databases: { campaign: string; donation: string; disbursement: string; ledger: string };
  stop(): Promise<void>;
}

/**
 * The four API services in this process, each through the same `startService` as in production, on free
 * ports with fresh databases and consumer groups that start at the end of the topics. Spans of every service go
 * to `spanProcessors` (each service still reports under its own name).
 */
export async function startPlatformInProcess(
  options: {
    spanProcessors?: SpanProcessor[];
    stripeApiBase?: string;
    stripeWebhookSecret?: string;
    donationEnv?: Record<string, string>;
    /** For sign-in: SMTP_URL, PUBLIC_WEB_URL (the console's address, which passkeys are bound to). */
    campaignEnv?: Record<string, string>;
  } = {},
): Promise<InProcessPlatform> {
  const endpoints = testEndpoints();
  const run = uniqueName('inproc');
  const secrets = {
    platformAdminKey: randomBytes(32).toString('base64url'),
    stripeWebhookSecret: options.stripeWebhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`,
  };
  const sessionSeed = randomBytes(32);
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    STRIPE_API_BASE: options.stripeApiBase ?? endpoints.stripeApiBase,
    KAFKA_GROUP_PREFIX: `${run}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'warn',
    ...limitsOutOfTheWay,
    // People's sessions: signed by the campaign service, checked by every service with the public half.
    SESSION_VERIFY_KEY: sessionVerifyKeyOf(sessionSeed),
  };
  const spanProcessors = options.spanProcessors ?? [];
  const started: RunningService[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
  };
  try {
    const campaignConfig = loadCampaignConfig({
      ...env,
      PLATFORM_ADMIN_KEY: secrets.platformAdminKey,
      SESSION_SIGNING_KEY: sessionSeed.toString('base64'),
      ...options.campaignEnv,
    });
    const campaign = await startService({
      name: 'campaign',
      config: campaignConfig,
      dbName: `${run}_campaign`,
      spanProcessors,
      build: (deps) => buildCampaign(deps, campaignConfig),
    });
    started.push(campaign);
    const donationConfig = loadDonationConfig({
      ...env,
      STRIPE_SECRET_KEY: 'sk_test_inprocess',
      STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
      DONOR_DATA_KEY: randomBytes(32).toString('base64'),
      ...options.donationEnv,
    });
    const donation = await startService({
      name: 'donation',
      config: donationConfig,
      dbName: `${run}_donation`,
      spanProcessors,
      build: (deps) => buildDonation(deps, donationConfig),
    });
    started.push(donation);
    const disbursementConfig = loadDisbursementConfig({ ...env, STRIPE_SECRET_KEY: 'sk_test_inprocess' });
    const disbursement = await startService({
      name: 'disbursement',
      config: disbursementConfig,
      dbName: `${run}_disbursement`,
      spanProcessors,
      build: (deps) => buildDisbursement(deps, disbursementConfig),
    });
    started.push(disbursement);
    const ledgerConfig = loadLedgerConfig({
      ...env,
      LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
      LEDGER_ORIGIN: 'ledger.inprocess.localhost',
    });
    const ledger = await startService({
      name: 'ledger',
      config: ledgerConfig,
      dbName: `${run}_ledger`,
      spanProcessors,
      build: (deps) => buildLedger(deps, ledgerConfig),
    });
    started.push(ledger);
    return {
      urls: {
        campaign: campaign.url,
        donation: donation.url,
        disbursement: disbursement.url,
        ledger: ledger.url,
      },
      secrets,
      databases: {
        campaign: `${run}_campaign`,
        donation: `${run}_donation`,
        disbursement: `${run}_disbursement`,
        ledger: `${run}_ledger`,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
