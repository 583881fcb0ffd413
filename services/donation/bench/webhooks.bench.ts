// Webhook benchmark: prints figures, asserts nothing (it is not a test). Run with the infrastructure variables set
// (MONGO_URL, KAFKA_BROKERS, STRIPE_API_BASE): `pnpm --filter @aid/donation-service bench`.
// Starts the donation service in-process (and the ledger in its own process, unless BENCH_LEDGER=false), publishes a campaign,
// creates pending donations (some through the API, the rest through the service's store), then offers signed
// `payment_intent.succeeded` webhooks at a fixed rate for a fixed time from a worker thread (each with its charge's balance
// transaction, so no Stripe call is on the path). It reports latency at the HTTP edge, the inbox processor's
// rate and backlog second by second, then checks the service's own campaign totals, the events published on
// donation.events.v1 and (with the ledger) the public summary against the gifts sent.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { apiKeyHash, campaignSnapshotSchema, envelope, newId, topics } from '@aid/contracts';
import { startService } from '@aid/runtime';
import {
  campaignEventFixture,
  campaignSnapshotFixture,
  donorAddress,
  newStripeId,
  publishRaw,
  requestFrom,
  signStripeWebhook,
  succeededWithFee,
  uniqueName,
} from '@aid/test-kit';
import { Kafka, logLevel } from 'kafkajs';
import { buildApp, serviceName, type DonationParts } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { newPublicRef } from '../src/domain/donation.ts';
import { sendOnSchedule } from '@aid/test-kit/webhook-schedule';
import { loadBenchConfig } from './config.ts';

const config = loadBenchConfig();
const brokers = config.KAFKA_BROKERS.split(',');
const amount = 2500;
const fee = 103;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function latencies(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms (n=${samples.length})`;
}

/** Runs `task(i)` for i = 0.. with `concurrency` in flight, until `more()` says stop. */
async function pool(
  concurrency: number,
  more: (index: number) => boolean,
  task: (index: number) => Promise<void>,
): Promise<void> {
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

/** Counts what the service publishes for the campaign, from a consumer group that joined before the first webhook. */
async function countPublished(campaignId: string) {
  const kafka = new Kafka({ clientId: 'bench-counter', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-counter-${randomBytes(6).toString('hex')}` });
  const ids = new Set<string>();
  let amountSum = 0;
  let feeSum = 0;
  let joined: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.donation], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() !== campaignId) return;
      const event = JSON.parse(message.value?.toString() ?? '{}') as {
        id: string;
        type: string;
        data: { amount: number; fee: number };
      };
      if (event.type !== 'org.diaspora-aid.donation.succeeded' || ids.has(event.id)) return;
      ids.add(event.id);
      amountSum += event.data.amount;
      feeSum += event.data.fee;
    },
  });
  await ready;
  return {
    count: () => ids.size,
    raised: () => amountSum,
    fees: () => feeSum,
    stop: () => consumer.disconnect(),
  };
}

/** A free local port, for the ledger child process. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/**
 * The ledger in its own process, as deployed: it consumes the published gifts without taking CPU from the
 * donation service's event loop. Ready once /readyz answers; a few seconds more let its consumer group join.
 */
async function startLedgerProcess(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [fileURLToPath(new URL('../../ledger/src/main.ts', import.meta.url))],
    {
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        MONGO_URL: config.MONGO_URL,
        KAFKA_BROKERS: config.KAFKA_BROKERS,
        LEDGER_DB_NAME: uniqueName('bench_ledger'),
        LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
        KAFKA_GROUP_PREFIX: `${uniqueName('bench_ledger')}.`,
        KAFKA_START_AT: 'end',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries += 1) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (tries > 120) throw new Error('the ledger did not become ready');
    await sleep(500);
  }
  await sleep(5_000);
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const ledger = config.BENCH_LEDGER ? await startLedgerProcess() : null;
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
let pipeline: DonationParts | undefined;
const donation = await startService({
  name: serviceName,
  config: donationConfig,
  dbName: uniqueName('bench_donation'),
  build: async (deps) => (pipeline = await buildApp(deps, donationConfig)),
});
if (!pipeline) throw new Error('donation service not built');
const parts = pipeline;

try {
  const snapshot = campaignSnapshotSchema.parse(campaignSnapshotFixture());
  const published = campaignEventFixture('published', snapshot);
  const memberAdded = envelope({
    type: 'org.diaspora-aid.campaign.member-added',
    source: '/services/campaign',
    subject: snapshot.organizationId,
    data: {
      organizationId: snapshot.organizationId,
      memberId: newId(),
      role: 'admin',
      apiKeyHash: apiKeyHash('bench'),
    },
    time: new Date(),
  });
  await publishRaw(
    brokers,
    topics.campaign,
    [published, memberAdded].map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
  );
  const campaigns = donation.deps.db.collection<{ _id: string }>('campaigns');
  while (!(await campaigns.findOne({ _id: snapshot.campaignId }))) await sleep(200);

  const total = Math.ceil(config.BENCH_RATE * config.BENCH_SECONDS);
  console.log(
    `\nDonation webhook benchmark: ${config.BENCH_RATE} webhooks/s offered for ${config.BENCH_SECONDS} s (${total}), ledger ${ledger ? 'in its own process' : 'not running'}`,
  );
  const donationIds: string[] = [];
  const createLatencies: number[] = [];
  const apiCount = Math.min(config.BENCH_API_DONATIONS, total);
  const createStarted = performance.now();
  let nextDonor = 0;
  await pool(
    config.BENCH_CONCURRENCY,
    (index) => index < apiCount,
    async () => {
      const started = performance.now();
      // One address per donor, as donors arrive, so the per-address limit does not bind.
      const response = await requestFrom(donorAddress(nextDonor++), `${donation.url}/v1/donations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          campaignId: snapshot.campaignId,
          amount,
          currency: 'USD',
          donor: { email: 'bench@example.org' },
        }),
      });
      createLatencies.push(performance.now() - started);
      if (response.status !== 201) throw new Error(`donation answered ${response.status}: ${response.text}`);
      donationIds.push((JSON.parse(response.text) as { donationId: string }).donationId);
    },
  );
  const createSeconds = (performance.now() - createStarted) / 1000;
  if (apiCount > 0)
    console.log(
      `  POST /v1/donations (stripe-mock PaymentIntents): ${(apiCount / createSeconds).toFixed(0)} donations/s; ${latencies(createLatencies)}`,
    );
  // The rest are pending donations as POST leaves them, written through the same store (no Stripe round trip).
  while (donationIds.length < total) {
    const id = newId();
    await parts.donations.insert(
      {
        id,
        campaignId: snapshot.campaignId,
        organizationId: snapshot.organizationId,
        amount,
        currency: 'USD',
        settlementCurrency: 'USD',
        interval: 'once',
        showName: false,
        countryOfResidence: null,
        countryOfHeritage: null,
        locale: 'en',
        geographyConsent: false,
        donorKey: null,
        donor: { email: 'bench@example.org', name: null },
        publicRef: newPublicRef(),
        receiptHash: randomBytes(32).toString('hex'),
        createdAt: new Date(),
      },
      { paymentIntentId: 'pi_bench' },
    );
    donationIds.push(id);
  }
  console.log(`  ${total - apiCount} more pending donations seeded through the store`);

  const counter = await countPublished(snapshot.campaignId);
  // Signed before the clock starts (Stripe signs as it sends; a signature stays valid for 300 s), so the
  // sender's own work does not take the service's CPU during the measured phase.
  const signed = donationIds.map((id) => {
    const body = JSON.stringify(succeededWithFee(id, { amount, fee, chargeId: newStripeId('ch') }));
    return { body, signature: signStripeWebhook(body, webhookSecret) };
  });
  const samples: { second: number; applied: number; backlog: number }[] = [];
  const started = performance.now();
  const appliedBefore = parts.inbox.applied();
  const sampler = setInterval(() => {
    samples.push({
      second: Math.round((performance.now() - started) / 1000),
      applied: parts.inbox.applied() - appliedBefore,
      backlog: parts.inbox.backlog(),
    });
  }, 1000);
  const sent = await sendOnSchedule({
    url: `${donation.url}/v1/webhooks/stripe`,
    signed,
    rate: config.BENCH_RATE,
    maxInFlight: config.BENCH_MAX_IN_FLIGHT,
  });
  // The sender's times are epoch milliseconds; here they count from the first webhook sent.
  const firstSent = sent.answers.reduce((first, answer) => Math.min(first, answer.sentAt), Infinity);
  const load = {
    answers: sent.answers.map((answer) => ({
      sentAt: answer.sentAt - firstSent,
      latency: answer.answeredAt - answer.sentAt,
      ok: answer.status === 200,
    })),
    behind: sent.behind,
    seconds: (sent.answers.reduce((last, answer) => Math.max(last, answer.answeredAt), 0) - firstSent) / 1000,
  };
  const webhookLatencies = load.answers.map((answer) => answer.latency);
  const failures = load.answers.filter((answer) => !answer.ok).length;
  const answered = load.answers.length;
  console.log(
    `  POST /v1/webhooks/stripe: ${(answered / load.seconds).toFixed(0)} webhooks/s answered (${answered} in ${load.seconds.toFixed(1)} s, ${failures} not 200, ${load.behind} waits for a free request slot)`,
  );
  console.log(`  latency at the HTTP edge: ${latencies(webhookLatencies)}`);
  const latencyBySecond: number[][] = [];
  for (const answer of load.answers)
    (latencyBySecond[Math.floor(answer.sentAt / 1000)] ??= []).push(answer.latency);
  const p99s = latencyBySecond.map((second) =>
    percentile(
      [...second].sort((a, b) => a - b),
      99,
    ).toFixed(0),
  );
  console.log(`  edge p99 by second sent (ms): ${p99s.join(' ')}`);
  const steady = latencyBySecond.slice(2).flat();
  if (steady.length > 0) console.log(`  edge latency after the first 2 s: ${latencies(steady)}`);
  const sendSeconds = load.seconds;

  while (parts.inbox.backlog() > 0 && performance.now() - started < 900_000) await sleep(50);
  const processedSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const applied = parts.inbox.applied() - appliedBefore;
  console.log(
    `  inbox processor: ${applied} applied in ${processedSeconds.toFixed(1)} s from the first webhook (${(applied / processedSeconds).toFixed(0)}/s), inbox empty ${(processedSeconds - sendSeconds).toFixed(1)} s after the last answer`,
  );
  const peak = samples.reduce((max, sample) => Math.max(max, sample.backlog), 0);
  console.log(
    `  backlog (inbox events not applied) per second: ${samples.map((sample) => sample.backlog).join(' ')} (peak ${peak})`,
  );
  const rates = samples.map((sample, index) => sample.applied - (samples[index - 1]?.applied ?? 0));
  console.log(`  applied per second: ${rates.join(' ')}`);

  const totalsUrl = `${donation.url}/v1/campaigns/${snapshot.campaignId}/totals`;
  const totals = (await (await fetch(totalsUrl)).json()) as {
    gifts: number;
    raised: number;
    fees: number;
    net: number;
  };
  console.log(
    `  service totals: gifts ${totals.gifts}, raised ${totals.raised}, fees ${totals.fees}, net ${totals.net} (expected gifts ${answered}, raised ${answered * amount}, fees ${answered * fee})`,
  );
  const waitPublished = performance.now();
  while (counter.count() < answered && performance.now() - waitPublished < 120_000) await sleep(100);
  console.log(
    `  published donation.succeeded: ${counter.count()} distinct events, amounts ${counter.raised()}, fees ${counter.fees()}, all ${((performance.now() - started) / 1000).toFixed(1)} s after the first webhook`,
  );
  await counter.stop();

  if (ledger) {
    const summaryUrl = `${ledger.url}/v1/campaigns/${snapshot.campaignId}/summary`;
    let summary = { gifts: 0, raised: 0, fees: 0, net: 0 };
    const waitStarted = performance.now();
    while (summary.gifts < answered && performance.now() - waitStarted < 900_000) {
      await sleep(500);
      summary = (await (await fetch(summaryUrl)).json()) as typeof summary;
    }
    console.log(
      `  ledger summary: gifts ${summary.gifts}, raised ${summary.raised}, fees ${summary.fees}, net ${summary.net}, ${((performance.now() - started) / 1000).toFixed(1)} s after the first webhook (${(summary.gifts / ((performance.now() - started) / 1000)).toFixed(0)} gifts/s end to end)`,
    );
  }
} finally {
  await donation.stop();
  await ledger?.stop();
}
