import type { Logger } from '@aid/telemetry';
import { describe, expect, it } from 'vitest';
import type { DonationJournal, JournalEntry } from '../store/donation-journal.store.ts';
import { startJournalFolder } from './journal-folder.ts';

const aBatch = (id: string): JournalEntry => ({
  id,
  changes: [{ kind: 'update', donationId: 'd-1', fromRevision: 0, set: {}, stripeEventId: `evt_${id}` }],
  totals: [],
  mails: [],
  messages: [],
  createdAt: new Date(0),
});

const quiet = { error: () => undefined, warn: () => undefined } as unknown as Logger;

describe('journal folder', () => {
  it('when deleting a folded batch fails after its events went out, then the next try deletes it without waiting for them again', async () => {
    const removed: string[] = [];
    let removals = 0;
    const journal = {
      remove: (id: string) => {
        removals += 1;
        // The database goes away once, right after the publisher said the batch's events are out.
        if (removals === 1) return Promise.reject(new Error('connection closed'));
        removed.push(id);
        return Promise.resolve();
      },
    } as unknown as DonationJournal;
    let announced = 0;
    const folder = startJournalFolder({
      journal,
      donations: { settle: () => Promise.resolve() },
      totals: { fold: () => Promise.resolve() },
      oweReceipts: () => Promise.resolve(),
      // The publisher answers once per batch, as it does.
      published: () => {
        announced += 1;
        return announced === 1 ? Promise.resolve() : new Promise<void>(() => undefined);
      },
      logger: quiet,
      pauseMs: 0,
    });
    try {
      folder.committed(aBatch('j-1'));
      await Promise.race([
        folder.folded(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('the folder hung')), 3_000)),
      ]);
      expect(removed).toEqual(['j-1']);
      expect(folder.backlog()).toBe(0);
    } finally {
      await folder.stop();
    }
  });
});
