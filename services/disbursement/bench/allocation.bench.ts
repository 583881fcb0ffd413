/**
 * Allocation and approval throughput against the real database (FerretDB locally).
 *
 *   KAFKA_BROKERS=... MONGO_URL=... pnpm --filter @aid/disbursement-service bench
 *
 * The gifts, the funds account, the campaign and the members are written straight through the store (not
 * through Kafka): the point is the allocation, and 100,000 gifts through the topic would measure the consumer.
 * Part one times one approval that allocates a disbursement across every gift (BENCH_GIFTS, default 100,000),
 * through the use case so no HTTP timeout cuts it short. Part two requests 20 small disbursements on one
 * campaign and approves them over HTTP with 20 different approvers at once, BENCH_ROUNDS times.
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
const service = await startService({ name: serviceName, config, dbName: uniqueName('disbursement_bench'), build: (deps) => buildApp(deps, config) });
const context = createContext(service.deps, config);
const { db } = service.deps;

async function seedCampaign(gifts: number, amount: number) {
  const campaignId = newId();
  const organizationId = newId();
  await context.campaigns.project({ campaignId, organizationId, currency: 'USD', status: 'active', revision: 2, approvalThreshold: null });
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
  await fundsAccountModel(db).create({ _id: campaignId, currency: 'USD', raised: total, fees: 0, refunded: 0, net: total, allocated: 0, paidOut: 0, available: total, refundShortfall: 0, pendingOps: [] });
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

// Part one: one approval across every gift.
const seedStarted = performance.now();
const big = await seedCampaign(giftCount, giftAmount);
console.log(`seeded ${giftCount} gifts in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
const disbursement = await requestDisbursement(context, big.officer, request(big.campaignId, giftCount * giftAmount));
const started = performance.now();
const approved = await approveDisbursement(context, big.checkers[0]!, disbursement.id, 'bench');
const seconds = (performance.now() - started) / 1000;
console.log(
  `allocation: ${approved.allocations.length} slices in ${seconds.toFixed(1)} s = ${(approved.allocations.length / seconds).toFixed(0)} slices/s (status ${approved.status})`,
);

// Part two: 20 approvers at once on one campaign, each approving a small disbursement.
const contended = await seedCampaign(approvers * rounds * 2, 1_000);
for (let round = 1; round <= rounds; round += 1) {
  const ids: string[] = [];
  for (let index = 0; index < approvers; index += 1) ids.push((await requestDisbursement(context, contended.officer, request(contended.campaignId, 1_500))).id);
  const roundStarted = performance.now();
  const statuses = await Promise.all(
    ids.map(async (id, index) => {
      const response = await fetch(`${service.url}/v1/disbursements/${id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${contended.checkers[index]!.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'bench' }),
      });
      return response.status;
    }),
  );
  const roundSeconds = (performance.now() - roundStarted) / 1000;
  const ok = statuses.filter((status) => status === 200).length;
  console.log(`contention round ${round}: ${ok}/${approvers} approved in ${roundSeconds.toFixed(2)} s = ${(approvers / roundSeconds).toFixed(1)} approvals/s`);
}

await service.stop();
