import type { OutboxMessage } from '@aid/store';
import type { Connection } from 'mongoose';
import {
  donationJournalModel,
  type DonationJournalDocument,
  type JournalChange,
  type TotalsDelta,
} from './donation-journal.model.ts';

export interface JournalEntry {
  id: string;
  changes: JournalChange[];
  totals: TotalsDelta[];
  mails: string[];
  messages: OutboxMessage[];
  createdAt: Date;
}

const toEntry = (doc: DonationJournalDocument): JournalEntry => ({
  id: doc._id,
  changes: doc.changes,
  totals: doc.totals,
  mails: doc.mails,
  messages: doc.messages.map((text) => JSON.parse(text) as OutboxMessage),
  createdAt: doc.createdAt,
});

export function createDonationJournal(connection: Connection) {
  const model = donationJournalModel(connection);
  let last = '';

  /** Sortable ids: the fold applies batches in the order they were committed. */
  const nextId = (at: Date) => {
    let id = `j_${String(at.getTime()).padStart(15, '0')}_000000`;
    if (id <= last) {
      const counter = Number(last.slice(-6)) + 1;
      id = `${last.slice(0, -6)}${String(counter).padStart(6, '0')}`;
    }
    last = id;
    return id;
  };

  return {
    nextId,

    /** The batch's commit: changes, totals, owed receipts and events in ONE document write. */
    async commit(entry: JournalEntry): Promise<void> {
      await model.collection.insertOne({
        _id: entry.id,
        changes: entry.changes,
        totals: entry.totals,
        mails: entry.mails,
        messages: entry.messages.map((message) => JSON.stringify(message)),
        createdAt: entry.createdAt,
      } as never);
    },

    /** Batches committed but not folded yet, oldest first. */
    async unfolded(): Promise<JournalEntry[]> {
      const docs = await model.find().lean<DonationJournalDocument[]>();
      const entries = docs.map(toEntry).sort((a, b) => (a.id < b.id ? -1 : 1));
      if (entries.length > 0) last = entries.at(-1)?.id ?? last;
      return entries;
    },

    async remove(id: string): Promise<void> {
      await model.collection.deleteOne({ _id: id } as never);
    },
  };
}

export type DonationJournal = ReturnType<typeof createDonationJournal>;
