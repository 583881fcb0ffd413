// Webhook benchmark: prints figures, asserts nothing (it is not a test). Run with the infrastructure variables set
// (MONGO_URL, KAFKA_BROKERS, STRIPE_API_BASE): `pnpm --filter @aid/donation-service bench`.
// Starts the donation and ledger services in-process, publishes a campaign, creates pending donations through the
// API, then fires signed `payment_intent.succeeded` webhooks (each with its charge's balance transaction, so no
// Stripe call is on the path) at a fixed concurrency, and waits until the ledger summary counts every gift.
import { randomBytes } from 'node:crypto';
import { apiKeyHash, campaignSnapshotSchema, envelope, newId, topics } from '@aid/contracts';
import { startLedgerForTest } from '@aid/ledger-service/test-support/start-ledger.ts';
import { startService } from '@aid/runtime';
import { campaignEventFixture, campaignSnapshotFixture, publishRaw, signStripeWebhook, uniqueName } from '@aid/test-kit';
import { buildApp, serviceName } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { newStripeId, succeededWithFee } from '../src/testing/stripe-events.ts';
import { loadBenchConfig } from './config.ts';

const config = loadBenchConfig();
const brokers = config.KAFKA_BROKERS.split(',');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function latencies(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms (n=${samples.length})`;
}

/** Runs `task(i)` for i = 0.. with `concurrency` in flight, until `more()` says stop. */
async function pool(concurrency: number, more: (index: number) => boolean, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (more(next)) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ledger = await startLedgerForTest();
const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
const donationConfig = loadConfig({
  PORT: '0',
  KAFKA_BROKERS: config.KAFKA_BROKERS,
  MONGO_URL: config.MONGO_URL,
  STRIPE_API_BASE: config.STRIPE_API_BASE,
  STRIPE_SECRET_KEY: 'sk_test_bench',
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  DONOR_DATA_KEY: randomBytes(32).toString('base64'),
  KAFKA_GROUP_PREFIX: `${uniqueName('bench')}.`,
  KAFKA_START_AT: 'end',
  LOG_LEVEL: 'warn',
});
const donation = await startService({ name: serviceName, config: donationConfig, dbName: uniqueName('bench_donation'), build: (deps) => buildApp(deps, donationConfig) });

try {
  const snapshot = campaignSnapshotSchema.parse(campaignSnapshotFixture());
  const published = campaignEventFixture('published', snapshot);
  const memberAdded = envelope({
    type: 'org.diaspora-aid.campaign.member-added',
    source: '/services/campaign',
    subject: snapshot.organizationId,
    data: { organizationId: snapshot.organizationId, memberId: newId(), role: 'admin', apiKeyHash: apiKeyHash('bench') },
    time: new Date(),
  });
  await publishRaw(brokers, topics.campaign, [published, memberAdded].map((event) => ({ key: event.subject, value: JSON.stringify(event) })));
  const campaigns = donation.deps.db.collection<{ _id: string }>('campaigns');
  while (!(await campaigns.findOne({ _id: snapshot.campaignId }))) await sleep(200);

  console.log(`\nDonation webhook benchmark (concurrency ${config.BENCH_CONCURRENCY}, ${config.BENCH_SECONDS} s of webhooks)`);
  const donationIds: string[] = [];
  const createLatencies: number[] = [];
  const createStarted = performance.now();
  await pool(config.BENCH_CONCURRENCY, (index) => index < config.BENCH_DONATIONS, async () => {
    const started = performance.now();
    const response = await fetch(`${donation.url}/v1/donations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ campaignId: snapshot.campaignId, amount: 2500, currency: 'USD', donor: { email: 'bench@example.org' } }),
    });
    createLatencies.push(performance.now() - started);
    if (response.status !== 201) throw new Error(`donation answered ${response.status}: ${await response.text()}`);
    donationIds.push(((await response.json()) as { donationId: string }).donationId);
  });
  const createSeconds = (performance.now() - createStarted) / 1000;
  console.log(`  POST /v1/donations (stripe-mock PaymentIntents): ${(donationIds.length / createSeconds).toFixed(0)} donations/s; ${latencies(createLatencies)}`);

  const webhookLatencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + config.BENCH_SECONDS * 1000;
  const webhookStarted = performance.now();
  await pool(config.BENCH_CONCURRENCY, (index) => index < donationIds.length && performance.now() < deadline, async (index) => {
    const body = JSON.stringify(succeededWithFee(donationIds[index] ?? '', { amount: 2500, fee: 103, chargeId: newStripeId('ch') }));
    // Signing is the sender's work, as at Stripe: it stays outside the measured time.
    const signature = signStripeWebhook(body, webhookSecret);
    const started = performance.now();
    const response = await fetch(`${donation.url}/v1/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
    await response.arrayBuffer();
    webhookLatencies.push(performance.now() - started);
    if (response.status !== 200) failures += 1;
  });
  const webhookSeconds = (performance.now() - webhookStarted) / 1000;
  const sent = webhookLatencies.length;
  console.log(`  POST /v1/webhooks/stripe: ${(sent / webhookSeconds).toFixed(0)} webhooks/s (${sent} in ${webhookSeconds.toFixed(1)} s, ${failures} not 200)`);
  console.log(`  webhook latency at the HTTP edge: ${latencies(webhookLatencies)}`);

  const summaryUrl = `${ledger.url}/v1/campaigns/${snapshot.campaignId}/summary`;
  let summary: { gifts: number; raised: number; fees: number; net: number } = { gifts: 0, raised: 0, fees: 0, net: 0 };
  const waitStarted = performance.now();
  while (summary.gifts < sent && performance.now() - waitStarted < 600_000) {
    await sleep(250);
    summary = (await (await fetch(summaryUrl)).json()) as typeof summary;
  }
  const caughtUp = (performance.now() - waitStarted) / 1000;
  const total = (performance.now() - webhookStarted) / 1000;
  console.log(`  ledger summary caught up ${caughtUp.toFixed(1)} s after the last webhook (${(sent / total).toFixed(0)} gifts/s end to end): gifts ${summary.gifts}, raised ${summary.raised}, fees ${summary.fees}, net ${summary.net}`);
} finally {
  await donation.stop();
  await ledger.stop();
}
