import { isDuplicateKey, type OutboxMessage } from '@aid/store';
import type { Connection } from 'mongoose';
import {
  donationJournalModel,
  type DonationJournalDocument,
  type JournalChange,
  type TotalsDelta,
} from './donation-journal.model.ts';
import { donationModel } from './donation.model.ts';

export interface JournalEntry {
  id: string;
  changes: JournalChange[];
  totals: TotalsDelta[];
  mails: string[];
  messages: OutboxMessage[];
}

/**
 * The journal batches an earlier version committed and had not folded into donation documents when it stopped
 * (donation-journal.model.ts). Webhook batches now write donations directly; these are drained once at
 * start-up (see webhooks/legacy-journal-drain.ts) and the collection stays empty.
 */
export function createLegacyJournal(connection: Connection) {
  const journal = donationJournalModel(connection);
  const donations = donationModel(connection);

  return {
    /** Batches left, oldest first (their ids sort in commit order). */
    async entries(): Promise<JournalEntry[]> {
      const docs = await journal.find().lean<DonationJournalDocument[]>();
      return docs
        .map((doc) => ({
          id: doc._id,
          changes: doc.changes,
          totals: doc.totals,
          mails: doc.mails,
          messages: doc.messages.map((text) => JSON.parse(text) as OutboxMessage),
        }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    },

    /** Brings a donation up to one change, once: a change already in (a later revision) matches nothing. */
    async foldChange(change: JournalChange): Promise<void> {
      if (change.kind === 'insert') {
        try {
          await donations.collection.insertOne(change.doc);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
        return;
      }
      const result = await donations.updateOne(
        { _id: change.donationId, revision: change.fromRevision },
        { $set: change.set, $inc: { revision: 1 }, $push: { stripeEventIds: change.stripeEventId } },
      );
      if (result.modifiedCount === 1) return;
      const doc = await donations.findById(change.donationId, { revision: 1 }).lean<{ revision?: number }>();
      if (doc && (doc.revision ?? 0) > change.fromRevision) return;
      throw new Error(
        `donation ${change.donationId} is at revision ${doc?.revision ?? 'none'}, a journal change expects ${change.fromRevision}`,
      );
    },

    async remove(id: string): Promise<void> {
      await journal.collection.deleteOne({ _id: id } as never);
    },
  };
}

export type LegacyJournal = ReturnType<typeof createLegacyJournal>;
