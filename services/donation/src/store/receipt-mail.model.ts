import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * A receipt email owed to a donor. `_id` is the stable message id (`receipt:<donationId>`): owing it twice
 * is refused by the unique `_id`, and every attempt sends the same Message-ID header, so a resend after a crash
 * between sending and recording is recognisable as the same message. Holds no address: it is read (and
 * decrypted) from the donation when sending, so an erased donor is never written to.
 */
export interface ReceiptMailDocument {
  _id: string;
  donationId: string;
  attempts: number;
  nextAttemptAt: Date;
  sentAt: Date | null;
  /** Set when the mail was given up (no address any more, or too many failures). */
  droppedReason: string | null;
  lastError: string | null;
  createdAt: Date;
}

const receiptMailSchema = new mongoose.Schema<ReceiptMailDocument>(
  {
    _id: { type: String, required: true },
    donationId: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    sentAt: { type: Date, default: null },
    droppedReason: { type: String, default: null },
    lastError: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The sender's query: mails not sent nor dropped whose next attempt is due, earliest first.
receiptMailSchema.index({ sentAt: 1, nextAttemptAt: 1 });

export function receiptMailModel(connection: Connection): Model<ReceiptMailDocument> {
  return connection.model<ReceiptMailDocument>('ReceiptMail', receiptMailSchema, 'receipt_mails');
}
