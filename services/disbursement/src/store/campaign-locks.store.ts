import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { campaignLockModel } from './campaign-lock.model.ts';
import { isDuplicateKey } from '@aid/store';

const leaseMs = 30_000;
const giveUpMs = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type CampaignLocks = ReturnType<typeof createCampaignLocks>;

/**
 * Serializes the writes that move one campaign's money, across every instance of the service.
 *
 * Why: FerretDB 1.24 over SQLite applies an update as read-modify-write without isolation, so two concurrent
 * updates of one document lose one of them (50 concurrent `$inc` of one field were measured to add 6), and a
 * guard such as `available >= amount` does not hold under concurrency. Inserting a document with a given `_id`
 * is atomic there (exactly one of 30 concurrent inserts succeeds), so a lease document per campaign is the
 * mutual exclusion. The store package's single connection per process on FerretDB already serializes one
 * instance; the lease keeps the guards true when several instances share the database. On MongoDB the guards
 * alone would suffice; the lease then only costs two small writes.
 * Within one process a promise chain per campaign queues callers, so they do not poll the database.
 */
export function createCampaignLocks(connection: Connection) {
  const model = campaignLockModel(connection);
  const queues = new Map<string, Promise<unknown>>();

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
      if (held && held.expiresAt.getTime() < Date.now()) await model.deleteOne({ _id: campaignId, owner: held.owner });
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
      const previous = queues.get(campaignId) ?? Promise.resolve();
      const next = previous.then(
        () => runExclusive(campaignId, work),
        () => runExclusive(campaignId, work),
      );
      const settled = next.then(
        () => undefined,
        () => undefined,
      );
      queues.set(campaignId, settled);
      void settled.then(() => {
        if (queues.get(campaignId) === settled) queues.delete(campaignId);
      });
      return next;
    },
  };
}
