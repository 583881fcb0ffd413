/**
 * Approvals one after another through the HTTP API on a campaign of many credited gifts, with the database
 * operations each approval costs.
 *
 *   KAFKA_BROKERS=... MONGO_URL=... pnpm --filter @aid/disbursement-service bench:approvals
 *
 * BENCH_GIFTS (default 100,000) gifts are credited to one campaign by the donation-events consumer's own use case
 * (gifts recorded, queued on their pages, then the account credited), 256 at a time, as the consumer credits a
 * burst of gifts. Then, for BENCH_APPROVALS rounds (default 300),
 * a field officer requests a disbursement (not timed) and an approver approves it (timed); each spends part of one
 * gift, as `npm run bench` does. Database commands are counted with the driver's command monitoring.
 *
 * BENCH_DB names the database: a database seeded by an earlier run is reused as it is (its campaign keeps being
 * spent), so runs on two versions of the code compare on the same data without seeding twice.
 */
import { randomBytes } from 'node:crypto';
import { apiKeyHash, newId } from '@aid/contracts';
import { startService } from '@aid/runtime';
import { classifyCommand } from '@aid/store';
import { limitsOutOfTheWay, uniqueName } from '@aid/test-kit';
import mongoose, { type mongo } from 'mongoose';
import { buildApp, createContext, serviceName } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { creditGifts } from '../src/use-cases/credit-gift.ts';

// A benchmark is a small composition root of its own, like main.ts: the one place it reads the environment.
const env = process.env; // eslint-disable-line no-restricted-properties
const giftCount = Number(env.BENCH_GIFTS ?? 100_000);
const approvals = Number(env.BENCH_APPROVALS ?? 300);
const dbName = env.BENCH_DB ?? uniqueName('disbursement_approvals_bench');
const groupSize = 256; // gifts credited together while seeding: the consumer's largest group
const gift = { amount: 2_500, fee: 103 };
const disbursementAmount = 1_000;

const config = loadConfig({
  ...limitsOutOfTheWay,
  KAFKA_BROKERS: env.KAFKA_BROKERS,
  MONGO_URL: env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/?directConnection=true',
  PORT: '0',
  KAFKA_GROUP_PREFIX: `${uniqueName('bench')}.`,
  KAFKA_START_AT: 'end',
  LOG_LEVEL: 'warn',
});
const service = await startService({
  name: serviceName,
  config,
  dbName,
  build: (deps) => buildApp(deps, config),
});
const context = createContext(service.deps, config);
const { db } = service.deps;

// The service's connection monitors its commands (connectDatabase); the store's classification tells writes from reads.
const counted = { reads: 0, writes: 0 };
const byCommand = new Map<string, { count: number; ms: number }>();
const started = new Map<number, string>();
let breakdown = false;
db.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
  const command = classifyCommand(event.commandName);
  if (!command) return;
  counted[command.kind === 'write' ? 'writes' : 'reads'] += 1;
  if (!breakdown) return;
  const name = `${event.commandName} ${String(event.command[event.commandName])}`;
  started.set(event.requestId, name);
  const entry = byCommand.get(name) ?? { count: 0, ms: 0 };
  byCommand.set(name, { ...entry, count: entry.count + 1 });
});
// Round trips of the counted commands, as the driver timed them: the database's share of an approval.
let databaseMs = 0;
const timed = (event: mongo.CommandSucceededEvent | mongo.CommandFailedEvent) => {
  if (classifyCommand(event.commandName)) databaseMs += event.duration;
  const name = started.get(event.requestId);
  started.delete(event.requestId);
  const entry = name === undefined ? undefined : byCommand.get(name);
  if (name !== undefined && entry) byCommand.set(name, { ...entry, ms: entry.ms + event.duration });
};
db.getClient().on('commandSucceeded', timed);
db.getClient().on('commandFailed', timed);
const snapshot = () => ({ ...counted, databaseMs });

interface SeededCampaign {
  _id: string;
  campaignId: string;
  gifts: number;
  officerKey: string;
  approverKey: string;
}
// Bench data only: the members' raw API keys are kept so that a later run can call the API as them.
const seededCampaigns = db.model<SeededCampaign>(
  'ApprovalsBenchCampaign',
  new mongoose.Schema<SeededCampaign>(
    { _id: String, campaignId: String, gifts: Number, officerKey: String, approverKey: String },
    { versionKey: false, collection: 'approvals_bench' },
  ),
);

async function member(organizationId: string, role: 'field-officer' | 'approver'): Promise<string> {
  const key = `key_${randomBytes(16).toString('hex')}`;
  await context.members.added({ memberId: newId(), organizationId, role, apiKeyHash: apiKeyHash(key) });
  return key;
}

/** Gifts credited through the consumer's own use case, a full group at a time, as a burst of gifts arrives. */
async function seed(gifts: number): Promise<SeededCampaign> {
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
  const officerKey = await member(organizationId, 'field-officer');
  const approverKey = await member(organizationId, 'approver');
  const start = Date.UTC(2026, 0, 1);
  for (let offset = 0; offset < gifts; offset += groupSize) {
    const count = Math.min(groupSize, gifts - offset);
    await creditGifts(
      context,
      Array.from({ length: count }, (_, index) => ({
        donationId: newId(),
        campaignId,
        currency: 'USD',
        amount: gift.amount,
        fee: gift.fee,
        net: gift.amount - gift.fee,
        succeededAt: new Date(start + (offset + index) * 1_000),
      })),
    );
  }
  const seeded = { _id: 'campaign', campaignId, gifts, officerKey, approverKey };
  await seededCampaigns.create(seeded);
  return seeded;
}

async function call(key: string, path: string, body: unknown): Promise<{ id: string; status: string }> {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { id: string; status: string };
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

const existing = await seededCampaigns.findById('campaign').lean();
const seedStarted = performance.now();
const campaign = existing ?? (await seed(giftCount));
console.log(
  existing
    ? `database ${dbName}: reusing its campaign of ${campaign.gifts} gifts`
    : `database ${dbName}: seeded ${campaign.gifts} gifts in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
);

const request = {
  campaignId: campaign.campaignId,
  amount: disbursementAmount,
  currency: 'USD',
  recipient: { name: 'Dadu Water Committee', country: 'PK', local: true },
  purpose: 'Water purification tablets',
  sector: 'WASH',
};
// A few approvals first, so connections, caches and the relay are warm.
for (let index = 0; index < 5; index += 1) {
  const { id } = await call(campaign.officerKey, '/v1/disbursements', request);
  await call(campaign.approverKey, `/v1/disbursements/${id}/approve`, { comment: 'bench' });
}

breakdown = true;
const latencies: number[] = [];
const during = { reads: 0, writes: 0, databaseMs: 0 };
const cycleStart = snapshot();
for (let index = 0; index < approvals; index += 1) {
  const { id } = await call(campaign.officerKey, '/v1/disbursements', request);
  const before = snapshot();
  const approvalStarted = performance.now();
  const approved = await call(campaign.approverKey, `/v1/disbursements/${id}/approve`, { comment: 'bench' });
  latencies.push(performance.now() - approvalStarted);
  during.reads += counted.reads - before.reads;
  during.writes += counted.writes - before.writes;
  during.databaseMs += databaseMs - before.databaseMs;
  if (approved.status !== 'approved') throw new Error(`disbursement ${id} is ${approved.status}`);
}
const cycle = { reads: counted.reads - cycleStart.reads, writes: counted.writes - cycleStart.writes };
breakdown = false;

const approvingSeconds = latencies.reduce((sum, latency) => sum + latency, 0) / 1000;
const sorted = [...latencies].sort((a, b) => a - b);
const per = (count: number) => (count / approvals).toFixed(1);
console.log(
  `${approvals} approvals one after another at ${campaign.gifts} gifts: ${(approvals / approvingSeconds).toFixed(1)} approvals/s, ` +
    `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`,
);
console.log(
  `database commands per approval, while it ran: ${per(during.reads)} reads, ${per(during.writes)} writes ` +
    `(request, approval and the outbox relay together: ${per(cycle.reads)} reads, ${per(cycle.writes)} writes)`,
);
console.log(
  `database round trips per approval, while it ran: ${per(during.databaseMs)} ms of ${((approvingSeconds * 1000) / approvals).toFixed(1)} ms`,
);
console.log('per request and approval, by command and collection (count, then mean round trip):');
for (const [name, { count, ms }] of [...byCommand].sort((a, b) => b[1].count - a[1].count))
  console.log(`  ${per(count).padStart(6)}  ${(ms / count).toFixed(1).padStart(6)} ms  ${name}`);

await service.stop();
