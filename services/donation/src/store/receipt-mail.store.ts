import { createIdLinks, isDuplicateKey } from '@aid/store';
import type { Connection } from 'mongoose';
import { receiptMailModel, type ReceiptMailDocument } from './receipt-mail.model.ts';

export interface OwedReceipt {
  messageId: string;
  donationId: string;
  attempts: number;
}

export const receiptMessageId = (donationId: string) => `receipt:${donationId}`;

export function createReceiptMailStore(connection: Connection) {
  const model = receiptMailModel(connection);
  // The receipts not sent yet, as one `_id`-keyed set: the sender's sweep reads it instead of scanning every
  // receipt ever sent. Ids join it before their receipt is owed and leave it once sent or dropped; the receipt
  // documents decide (one sent by another instance, or a crash between the two writes, is skipped).
  const pending = createIdLinks(connection, 'receipt_mail_links');
  const pendingKey = 'pending';
  return {
    /** Owes each gift's receipt once, whatever the number of calls (a folded batch replayed after a crash). */
    async owe(donationIds: string[], now: Date): Promise<void> {
      const docs = donationIds.map((donationId) => ({
        _id: receiptMessageId(donationId),
        donationId,
        attempts: 0,
        nextAttemptAt: now,
        sentAt: null,
        droppedReason: null,
        lastError: null,
        createdAt: now,
      }));
      await pending.addTargets(
        pendingKey,
        docs.map((doc) => doc._id),
      );
      try {
        await model.collection.insertMany(docs as never[], { ordered: false });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async due(now: Date, limit: number): Promise<OwedReceipt[]> {
      const ids = await pending.targetsOf(pendingKey);
      const owed: ReceiptMailDocument[] = [];
      // The `_id` index answers up to 1,000 ids at once.
      for (let start = 0; start < ids.length; start += 1_000) {
        const docs = await model
          .find({ _id: { $in: ids.slice(start, start + 1_000) } })
          .lean<ReceiptMailDocument[]>();
        for (const doc of docs) {
          if (doc.sentAt !== null || doc.droppedReason !== null)
            await pending.removeTarget(pendingKey, doc._id);
          else if (doc.nextAttemptAt <= now) owed.push(doc);
        }
      }
      return owed
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
        .slice(0, limit)
        .map((doc) => ({ messageId: doc._id, donationId: doc.donationId, attempts: doc.attempts }));
    },

    /**
     * Takes a due receipt for one sending: its next attempt moves `leaseMs` ahead in a write guarded by it being
     * due, so of several instances' senders that found it due only one sends it (the others' writes match
     * nothing). A sender that dies meanwhile leaves it due again when the lease ends: at least once, still.
     */
    async claim(messageId: string, now: Date, leaseMs = 5 * 60_000): Promise<boolean> {
      const result = await model.updateOne(
        { _id: messageId, sentAt: null, droppedReason: null, nextAttemptAt: { $lte: now } },
        { $set: { nextAttemptAt: new Date(now.getTime() + leaseMs) } },
      );
      return result.modifiedCount === 1;
    },

    async sent(messageId: string, at: Date): Promise<void> {
      await model.updateOne(
        { _id: messageId },
        { $set: { sentAt: at, lastError: null }, $inc: { attempts: 1 } },
      );
      await pending.removeTarget(pendingKey, messageId);
    },

    async failed(messageId: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
      await model.updateOne({ _id: messageId }, { $set: { attempts, nextAttemptAt, lastError: error } });
    },

    async dropped(messageId: string, reason: string): Promise<void> {
      await model.updateOne({ _id: messageId }, { $set: { droppedReason: reason } });
      await pending.removeTarget(pendingKey, messageId);
    },

    /** Receipts owed before the pending set existed: once per database, at start-up (a cold read of the collection). */
    backfillPending(): Promise<number> {
      return pending.backfillOnce(
        'receipts-v1',
        async () =>
          (
            await model
              .find({ sentAt: null, droppedReason: null }, { _id: 1 })
              .lean<Pick<ReceiptMailDocument, '_id'>[]>()
          ).map((doc): [string, string] => [pendingKey, doc._id]),
        'set',
      );
    },

    /** Sent or dropped long ago: no longer needed to recognise a repeat. */
    async prune(before: Date): Promise<void> {
      await model.deleteMany({
        $or: [{ sentAt: { $lt: before } }, { droppedReason: { $ne: null }, createdAt: { $lt: before } }],
      });
    },
  };
}

export type ReceiptMailStore = ReturnType<typeof createReceiptMailStore>;
