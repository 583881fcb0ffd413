import { applyOnceFields } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * One document per campaign, so every change to a campaign's money is a single-document atomic update and the
 * guards (the balances as read, `paidOut <= allocated`) hold under any concurrency without transactions.
 * `available` and `overAllocated` are stored as the other balances decide them (domain/funds.ts, `headroom`).
 * Balances have no schema defaults: accounts are created by an upsert that `$inc`s them, and a default would
 * collide with the `$inc` on the same path.
 */
export interface FundsAccountDocument {
  _id: string;
  currency: string;
  raised?: number;
  fees?: number;
  refunded?: number;
  net?: number;
  allocated?: number;
  paidOut?: number;
  available?: number;
  overAllocated?: number;
  refundShortfall?: number;
  /**
   * The approvals whose reservation is made and which have not finished yet, by disbursement id (the amount):
   * the reservation's exactly-once mark, written in the same update as the balances it moves.
   */
  reservations?: Record<string, number>;
  pendingOps: string[];
}

const schema = new mongoose.Schema<FundsAccountDocument>(
  {
    _id: { type: String, required: true },
    currency: { type: String, required: true },
    raised: Number,
    fees: Number,
    refunded: Number,
    net: Number,
    allocated: Number,
    paidOut: Number,
    available: Number,
    overAllocated: Number,
    refundShortfall: Number,
    // Keyed by disbursement id, so a reservation is set and its mark checked by path, in one write.
    reservations: mongoose.Schema.Types.Mixed,
    ...applyOnceFields,
  },
  { versionKey: false, collection: 'funds_accounts' },
);

export function fundsAccountModel(connection: Connection): Model<FundsAccountDocument> {
  return connection.model<FundsAccountDocument>('FundsAccount', schema);
}
