import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { campaignLockModel } from './campaign-lock.model.ts';
import { isDuplicateKey, oneAtATime } from '@aid/store';

const leaseMs = 30_000;
const giveUpMs = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type CampaignLocks = ReturnType<typeof createCampaignLocks>;

/**
 * Serializes the sequences that move one campaign's money, across every instance of the service.
 *
 * Each step of those sequences is already a guarded single-document write, atomic on the database (MongoDB, and
 * the project's FerretDB build, which holds a lock around every update): the reserve on the funds account, each
 * slice taken from a gift, each refund and credit exactly once. What the lock adds is that the sequences of one
 * campaign do not interleave: an approval reserves, then allocates batch by batch while a refund could take from
 * the same gifts; a gift's currency is checked against the account before it is credited; a first approval is
 * decided on fresh state. The guards keep money from being doubled or going negative if they did interleave,
 * but the outcomes (a refund refused until the approval ends, slices refused and planned again) are only
 * exercised under this lock, so it stays until the money tests run without it across instances.
 * The lease is a document per campaign: an insert with a given `_id` succeeds for exactly one caller. Within one
 * process callers queue in memory, so they do not poll the database.
 */
export function createCampaignLocks(connection: Connection) {
  const model = campaignLockModel(connection);
  const inProcess = oneAtATime();

  async function acquire(campaignId: string): Promise<string> {
    const owner = randomUUID();
    const deadline = Date.now() + giveUpMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await model.create({ _id: campaignId, owner, expiresAt: new Date(Date.now() + leaseMs) });
        return owner;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // A holder that crashed leaves a lease that expires; deleting it by its owner never removes a fresh one.
      const held = await model.findById(campaignId).lean();
      if (held && held.expiresAt.getTime() < Date.now())
        await model.deleteOne({ _id: campaignId, owner: held.owner });
      if (Date.now() > deadline) throw new Error(`campaign ${campaignId} stayed busy for ${giveUpMs} ms`);
      await sleep(Math.min(5 + attempt * 5, 50) + Math.random() * 10);
    }
  }

  async function runExclusive<T>(campaignId: string, work: () => Promise<T>): Promise<T> {
    const owner = await acquire(campaignId);
    try {
      return await work();
    } finally {
      await model.deleteOne({ _id: campaignId, owner });
    }
  }

  return {
    run<T>(campaignId: string, work: () => Promise<T>): Promise<T> {
      return inProcess(campaignId, () => runExclusive(campaignId, work));
    },
  };
}
