import { isDuplicateKey, queueMessages, type OutboxMessage } from '@aid/store';
import type { Connection } from 'mongoose';
import { donationJournalModel, donationOutboxModel, type DonationJournalDocument, type JournalChange, type TotalsDelta } from './donation-journal.model.ts';

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
  const outbox = donationOutboxModel(connection);
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

  const outboxDoc = (entry: JournalEntry) => ({ _id: entry.id, ...queueMessages(entry.messages).$set, outbox: queueMessages(entry.messages).$push.outbox.$each });

  return {
    outboxModel: outbox,

    nextId,

    /**
     * The batch's commit point is the journal insert; its outbox document follows. A crash between the two
     * leaves the journal, from which `requeueOutbox` recreates the outbox at start-up.
     */
    async commit(entry: JournalEntry): Promise<void> {
      await model.collection.insertOne({
        _id: entry.id,
        changes: entry.changes,
        totals: entry.totals,
        mails: entry.mails,
        messages: entry.messages.map((message) => JSON.stringify(message)),
        createdAt: entry.createdAt,
      } as never);
      if (entry.messages.length > 0) await outbox.collection.insertOne(outboxDoc(entry) as never);
    },

    /** Batches committed but not folded yet, oldest first. */
    async unfolded(): Promise<JournalEntry[]> {
      const docs = await model.find().lean<DonationJournalDocument[]>();
      const entries = docs.map(toEntry).sort((a, b) => (a.id < b.id ? -1 : 1));
      if (entries.length > 0) last = entries.at(-1)?.id ?? last;
      return entries;
    },

    /** After a crash between journal and outbox: requeue what may not have been queued (at least once). */
    async requeueOutbox(entry: JournalEntry): Promise<void> {
      if (entry.messages.length === 0) return;
      try {
        await outbox.collection.insertOne(outboxDoc(entry) as never);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async remove(id: string): Promise<void> {
      await model.collection.deleteOne({ _id: id } as never);
    },

    /** Published outbox documents are empty husks: dropped so the relay's scan stays short. */
    async prunePublished(): Promise<void> {
      await outbox.collection.deleteMany({ outboxSince: { $exists: false } });
    },
  };
}

export type DonationJournal = ReturnType<typeof createDonationJournal>;
