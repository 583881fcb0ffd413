/**
 * Allocation and approval throughput against the real database (FerretDB locally).
 *
 *   KAFKA_BROKERS=... MONGO_URL=... pnpm --filter @aid/disbursement-service bench
 *
 * The gifts, the funds account, the campaign and the members are written straight into the database (not
 * through Kafka): the point is the allocation, and 100,000 gifts through the topic would measure the consumer.
 * They are written as a campaign credited before allocation queues existed, so the first approval queues them.
 * On a campaign of BENCH_GIFTS gifts (default 100,000):
 * - the first approval, which queues the existing gifts once;
 * - BENCH_APPROVALS small approvals one after another (through the use case), then rounds of 20 approvers at
 *   once over HTTP, each disbursement spending two or three gifts;
 * - one approval that allocates what is left across every gift, through the use case so no HTTP timeout cuts
 *   it short.
 * Then, with all those gifts in the database, 20 approvers at once on a small campaign, BENCH_ROUNDS times.
 */
import { randomBytes } from 'node:crypto';
import { apiKeyHash, newId } from '@aid/contracts';
import { startService } from '@aid/runtime';
import { uniqueName } from '@aid/test-kit';
import { buildApp, createContext, serviceName } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { fundsAccountModel } from '../src/store/funds-account.model.ts';
import { giftModel } from '../src/store/gift.model.ts';
import { approveDisbursement } from '../src/use-cases/approve-disbursement.ts';
import { requestDisbursement } from '../src/use-cases/request-disbursement.ts';

// A benchmark is a small composition root of its own, like main.ts: the one place it reads the environment.
const env = process.env; // eslint-disable-line no-restricted-properties
const giftCount = Number(env.BENCH_GIFTS ?? 100_000);
const rounds = Number(env.BENCH_ROUNDS ?? 3);
const sequentialApprovals = Number(env.BENCH_APPROVALS ?? 200);
const approvers = 20;
const giftAmount = 100;

const config = loadConfig({
  KAFKA_BROKERS: env.KAFKA_BROKERS,
  MONGO_URL: env.MONGO_URL,
  PORT: '0',
  KAFKA_GROUP_PREFIX: `${uniqueName('bench')}.`,
  KAFKA_START_AT: 'end',
  LOG_LEVEL: 'warn',
});
const service = await startService({
  name: serviceName,
  config,
  dbName: uniqueName('disbursement_bench'),
  build: (deps) => buildApp(deps, config),
});
const context = createContext(service.deps, config);
const { db } = service.deps;

async function seedCampaign(gifts: number, amount: number) {
  const campaignId = newId();
  const organizationId = newId();
  await context.campaigns.project({
    campaignId,
    organizationId,
    currency: 'USD',
    status: 'active',
    revision: 2,
    approvalThreshold: null,
  });
  const member = async (role: 'field-officer' | 'approver') => {
    const key = `key_${randomBytes(16).toString('hex')}`;
    const memberId = newId();
    await context.members.added({ memberId, organizationId, role, apiKeyHash: apiKeyHash(key) });
    return { memberId, organizationId, role, key };
  };
  const officer = await member('field-officer');
  const checkers = [];
  for (let index = 0; index < approvers; index += 1) checkers.push(await member('approver'));
  const start = Date.UTC(2026, 0, 1);
  for (let offset = 0; offset < gifts; offset += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, gifts - offset) }, (_, index) => ({
      _id: newId(),
      campaignId,
      currency: 'USD',
      amount,
      fee: 0,
      net: amount,
      remaining: amount,
      succeededAt: new Date(start + (offset + index) * 1_000),
      pendingOps: [],
    }));
    await giftModel(db).insertMany(batch, { ordered: false });
  }
  const total = gifts * amount;
  await fundsAccountModel(db).create({
    _id: campaignId,
    currency: 'USD',
    raised: total,
    fees: 0,
    refunded: 0,
    net: total,
    allocated: 0,
    paidOut: 0,
    available: total,
    refundShortfall: 0,
    pendingOps: [],
  });
  return { campaignId, officer, checkers };
}

const request = (campaignId: string, amount: number) => ({
  campaignId,
  amount,
  currency: 'USD',
  recipient: { name: 'Dadu Water Committee', country: 'PK', local: true },
  purpose: 'Water purification tablets',
  sector: 'WASH',
});

const seconds = (started: number) => (performance.now() - started) / 1000;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function approveAtOnce(
  campaign: Awaited<ReturnType<typeof seedCampaign>>,
  amount: number,
  label: string,
) {
  for (let round = 1; round <= rounds; round += 1) {
    const ids: string[] = [];
    for (let index = 0; index < approvers; index += 1)
      ids.push(
        (await requestDisbursement(context, campaign.officer, request(campaign.campaignId, amount))).id,
      );
    const roundStarted = performance.now();
    const statuses = await Promise.all(
      ids.map(async (id, index) => {
        const response = await fetch(`${service.url}/v1/disbursements/${id}/approve`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${campaign.checkers[index]!.key}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ comment: 'bench' }),
        });
        return response.status;
      }),
    );
    const roundSeconds = seconds(roundStarted);
    const ok = statuses.filter((status) => status === 200).length;
    console.log(
      `${label} round ${round}: ${ok}/${approvers} approved in ${roundSeconds.toFixed(2)} s = ${(approvers / roundSeconds).toFixed(1)} approvals/s`,
    );
  }
}

// A campaign of giftCount gifts.
const seedStarted = performance.now();
const big = await seedCampaign(giftCount, giftAmount);
console.log(`seeded ${giftCount} gifts in ${seconds(seedStarted).toFixed(1)} s`);
let spent = 0;
const approveNow = async (amount: number) => {
  const disbursement = await requestDisbursement(context, big.officer, request(big.campaignId, amount));
  const approved = await approveDisbursement(context, big.checkers[0]!, disbursement.id, 'bench');
  spent += amount;
  return approved;
};

const queueStarted = performance.now();
await approveNow(giftAmount);
console.log(
  `first approval, queueing the ${giftCount} existing gifts: ${seconds(queueStarted).toFixed(2)} s`,
);

const latencies: number[] = [];
const sequentialStarted = performance.now();
for (let n = 0; n < sequentialApprovals; n += 1) {
  const started = performance.now();
  await approveNow(Math.round(giftAmount * 2.5));
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);
console.log(
  `${sequentialApprovals} approvals one after another at ${giftCount} gifts: ${(sequentialApprovals / seconds(sequentialStarted)).toFixed(1)} approvals/s, ` +
    `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
);
await approveAtOnce(big, Math.round(giftAmount * 2.5), `20 approvers at once at ${giftCount} gifts,`);
spent += rounds * approvers * Math.round(giftAmount * 2.5);

const allStarted = performance.now();
const approved = await approveNow(giftCount * giftAmount - spent);
const allSeconds = seconds(allStarted);
console.log(
  `allocation of what is left: ${approved.allocations.length} slices in ${allSeconds.toFixed(1)} s = ${(approved.allocations.length / allSeconds).toFixed(0)} slices/s (status ${approved.status})`,
);

// 20 approvers at once on a small campaign, with every gift above in the database.
const contended = await seedCampaign(approvers * rounds * 2, 1_000);
await approveAtOnce(contended, 1_500, 'contention');

await service.stop();
