import { startWorkerLoop } from '@aid/bus';
import type { Logger } from '@aid/telemetry';
import type { CampaignTotalsStore } from '../store/campaign-totals.store.ts';
import type { DonationJournal, JournalEntry } from '../store/donation-journal.store.ts';
import type { DonationStore } from '../store/donation.store.ts';

export interface JournalFolder {
  committed(entry: JournalEntry): void;
  /** A webhook batch is being applied: folding holds off until it ends (call the returned function) and a pause follows. */
  applying(): () => void;
  /** Batches committed and not folded yet. */
  backlog(): number;
  /** Resolves once every batch committed so far is folded. */
  folded(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Brings donation documents and campaign totals up to the committed journal batches, oldest first, then owes
 * the batch's receipts to the mail outbox and, once its events are published, deletes the batch. Folding costs
 * one guarded update per changed donation, the slowest write this database has, so it yields to webhook
 * traffic: while a batch is being applied or one ended within `pauseMs` it waits, unless `maxUnfolded` batches wait (memory
 * holds their changes until folded). Reads never wait for it: a donation read or changed through the store folds
 * its own changes first.
 */
export function startJournalFolder(options: {
  journal: DonationJournal;
  donations: Pick<DonationStore, 'settle'>;
  totals: Pick<CampaignTotalsStore, 'fold'>;
  oweReceipts(donationIds: string[]): Promise<void>;
  /** Resolves once the batch's events went out: a journal is deleted only then, or they could be lost. */
  published(journalId: string): Promise<void>;
  logger: Logger;
  maxUnfolded?: number;
  pauseMs?: number;
}): JournalFolder {
  const { journal, logger } = options;
  const maxUnfolded = options.maxUnfolded ?? 2_000;
  const pauseMs = options.pauseMs ?? 1_000;
  const queue: JournalEntry[] = [];
  let lastTrafficAt = 0;
  let applyingNow = 0;
  let waiters: (() => void)[] = [];
  let stopping: () => void = () => undefined;
  const whenStopping = new Promise<'stopping'>((resolve) => {
    stopping = () => resolve('stopping');
  });
  const trafficGoesOn = () => applyingNow > 0 || Date.now() - lastTrafficAt < pauseMs;
  // Batches whose events the publisher said went out: it says so once, and a fold that failed after hearing it
  // (the journal's removal) is tried again.
  const eventsOut = new Set<string>();

  async function foldOne(entry: JournalEntry): Promise<boolean> {
    for (const change of entry.changes) await options.donations.settle(change.donationId);
    for (const delta of entry.totals) await options.totals.fold(entry.id, delta);
    if (entry.mails.length > 0) await options.oweReceipts(entry.mails);
    if (!eventsOut.has(entry.id)) {
      // Stopping with events not out: the journal stays, and the next start publishes and folds it again.
      if ((await Promise.race([options.published(entry.id), whenStopping])) === 'stopping') return false;
      eventsOut.add(entry.id);
    }
    await journal.remove(entry.id);
    eventsOut.delete(entry.id);
    return true;
  }

  let folding: string | undefined;
  const loop = startWorkerLoop({
    async pass() {
      const next = queue[0];
      if (!next) {
        const done = waiters;
        waiters = [];
        done.forEach((resolve) => resolve());
        return 'idle';
      }
      if (trafficGoesOn() && queue.length < maxUnfolded) return { waitMs: 20 };
      folding = next.id;
      if (!(await foldOne(next))) return 'idle';
      queue.shift();
      return 'more';
    },
    intervalMs: 250,
    // The first batch after a pause wakes the loop (see `committed`) and it polls until the queue is empty, so
    // an idle folder has nothing to look for.
    maxIntervalMs: 60_000,
    backoffMs: 100,
    logger,
    failureMessage: 'journal batch not folded; it will be tried again',
    failureLevel: 'error',
    failureContext: () => ({ journalId: folding }),
  });

  return {
    committed(entry) {
      // A batch joining others finds the loop already at work (folding or waiting for a pause in traffic); the
      // first one wakes it even during traffic, so it starts waiting for the pause instead of sleeping on.
      const first = queue.length === 0;
      queue.push(entry);
      if (first) loop.wake();
    },
    applying() {
      applyingNow += 1;
      lastTrafficAt = Date.now();
      return () => {
        applyingNow -= 1;
        lastTrafficAt = Date.now();
      };
    },
    backlog: () => queue.length,
    folded() {
      if (queue.length === 0) return Promise.resolve();
      loop.wake();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async stop() {
      stopping();
      await loop.stop();
    },
  };
}
