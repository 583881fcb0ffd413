import { isDuplicateKey } from '@aid/store';
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
      try {
        await model.collection.insertMany(docs as never[], { ordered: false });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async due(now: Date, limit: number): Promise<OwedReceipt[]> {
      const docs = await model
        .find({ sentAt: null, droppedReason: null, nextAttemptAt: { $lte: now } })
        .sort({ nextAttemptAt: 1 })
        .limit(limit)
        .lean<ReceiptMailDocument[]>();
      return docs.map((doc) => ({ messageId: doc._id, donationId: doc.donationId, attempts: doc.attempts }));
    },

    async sent(messageId: string, at: Date): Promise<void> {
      await model.updateOne({ _id: messageId }, { $set: { sentAt: at, lastError: null }, $inc: { attempts: 1 } });
    },

    async failed(messageId: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
      await model.updateOne({ _id: messageId }, { $set: { attempts, nextAttemptAt, lastError: error } });
    },

    async dropped(messageId: string, reason: string): Promise<void> {
      await model.updateOne({ _id: messageId }, { $set: { droppedReason: reason } });
    },

    /** Sent or dropped long ago: no longer needed to recognise a repeat. */
    async prune(before: Date): Promise<void> {
      await model.deleteMany({ $or: [{ sentAt: { $lt: before } }, { droppedReason: { $ne: null }, createdAt: { $lt: before } }] });
    },
  };
}

export type ReceiptMailStore = ReturnType<typeof createReceiptMailStore>;
