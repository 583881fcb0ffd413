import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { campaignLockModel } from './campaign-lock.model.ts';
import { isDuplicateKey, oneAtATime } from '@aid/store';

const leaseMs = 30_000;
const giveUpMs = 20_000;
// A lease is kept this long after its work, so the campaign's next sequence in this process (the next gift
// credited, the approval that follows a request) starts without writing a new one: taking and giving back a
// lease are two of the few writes an approval makes. Another instance waits at most this much longer for it.
const lingerMs = 100;
// A kept lease is extended before it is reused once less than this is left of it, so work never starts on a
// lease about to expire.
const renewBelowMs = leaseMs / 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type CampaignLocks = ReturnType<typeof createCampaignLocks>;

/** A lease this process holds: `uses` tells a pending release whether the lease was taken again meanwhile. */
interface Lease {
  owner: string;
  expiresAt: number;
  uses: number;
}

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
 * process callers queue in memory, so they do not poll the database, and a lease is kept for `lingerMs` after
 * its work for the next caller. `stop` gives back every kept lease and keeps none from then on.
 */
export function createCampaignLocks(connection: Connection) {
  const model = campaignLockModel(connection);
  const inProcess = oneAtATime();
  const kept = new Map<string, Lease>();
  let keeping = true;

  async function take(campaignId: string): Promise<Lease> {
    const owner = randomUUID();
    const deadline = Date.now() + giveUpMs;
    for (let attempt = 0; ; attempt += 1) {
      const expiresAt = Date.now() + leaseMs;
      try {
        await model.create({ _id: campaignId, owner, expiresAt: new Date(expiresAt) });
        return { owner, expiresAt, uses: 0 };
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

  /** The lease kept from this process's last sequence, extended if it runs short, else a new one. */
  async function acquire(campaignId: string): Promise<Lease> {
    const lease = kept.get(campaignId);
    kept.delete(campaignId);
    if (lease) {
      lease.uses += 1;
      if (lease.expiresAt - Date.now() > renewBelowMs) return lease;
      const expiresAt = Date.now() + leaseMs;
      const renewed = await model.updateOne(
        { _id: campaignId, owner: lease.owner },
        { $set: { expiresAt: new Date(expiresAt) } },
      );
      if (renewed.matchedCount === 1) return { ...lease, expiresAt };
    }
    return take(campaignId);
  }

  async function release(campaignId: string, lease: Lease): Promise<void> {
    await model.deleteOne({ _id: campaignId, owner: lease.owner });
  }

  /** Gives the lease back unless a caller took it again meanwhile; queued like any caller of the campaign. */
  function releaseLater(campaignId: string, lease: Lease): void {
    const uses = lease.uses;
    const timer = setTimeout(() => {
      void inProcess(campaignId, async () => {
        if (kept.get(campaignId) !== lease || lease.uses !== uses) return;
        kept.delete(campaignId);
        await release(campaignId, lease);
      }).catch(() => undefined); // an unreleased lease expires; the next taker deletes it
    }, lingerMs);
    timer.unref();
  }

  async function runExclusive<T>(campaignId: string, work: () => Promise<T>): Promise<T> {
    const lease = await acquire(campaignId);
    try {
      return await work();
    } finally {
      if (keeping) {
        kept.set(campaignId, lease);
        releaseLater(campaignId, lease);
      } else await release(campaignId, lease);
    }
  }

  return {
    run<T>(campaignId: string, work: () => Promise<T>): Promise<T> {
      return inProcess(campaignId, () => runExclusive(campaignId, work));
    },

    /** At shutdown: the kept leases are given back now, and later callers give theirs back at once. */
    async stop(): Promise<void> {
      keeping = false;
      await Promise.all(
        [...kept.keys()].map((campaignId) =>
          inProcess(campaignId, async () => {
            const lease = kept.get(campaignId);
            if (!lease) return;
            kept.delete(campaignId);
            await release(campaignId, lease);
          }),
        ),
      );
    },
  };
}
