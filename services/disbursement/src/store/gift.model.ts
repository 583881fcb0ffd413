import { applyOnceFields } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';

export interface GiftAllocation {
  disbursementId: string;
  amount: number;
}

export interface GiftRefund {
  refundId: string;
  amount: number;
  applied: number;
  shortfall: number;
}

/** A refund that failed: what it gave back to the gift, and the shortfall it cleared (gift-position.ts). */
export interface GiftReversal {
  refundId: string;
  amount: number;
  restored: number;
  cleared: number;
}

/** A slice given back by a cancelled disbursement; `covered` of it paid the gift's refund shortfall. */
export interface GiftRelease extends GiftAllocation {
  covered?: number;
}

/** A succeeded gift and what of its net amount is still unallocated: the units FIFO allocation spends. */
export interface GiftDocument {
  _id: string;
  campaignId: string;
  currency: string;
  amount: number;
  fee: number;
  net: number;
  remaining: number;
  succeededAt: Date;
  /** The page of the campaign's allocation queue the gift joined (gift-queue.store.ts); absent on gifts queued before pages. */
  queuePage?: number;
  // Optional because an upsert's `$setOnInsert` of an empty array is not stored by every MongoDB-compatible
  // database (FerretDB drops it); `$push` creates the array when the first entry arrives.
  allocations?: GiftAllocation[];
  /** Slices given back by cancelled disbursements; what a gift funds is its allocations minus its releases. */
  releases?: GiftRelease[];
  refunds?: GiftRefund[];
  reversals?: GiftReversal[];
  pendingOps: string[];
}

const schema = new mongoose.Schema<GiftDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    currency: { type: String, required: true },
    amount: { type: Number, required: true },
    fee: { type: Number, required: true },
    net: { type: Number, required: true },
    remaining: { type: Number, required: true },
    succeededAt: { type: Date, required: true },
    queuePage: { type: Number },
    allocations: { type: [{ _id: false, disbursementId: String, amount: Number }], default: [] },
    releases: {
      type: [{ _id: false, disbursementId: String, amount: Number, covered: Number }],
      default: [],
    },
    refunds: {
      type: [{ _id: false, refundId: String, amount: Number, applied: Number, shortfall: Number }],
      default: [],
    },
    reversals: {
      type: [{ _id: false, refundId: String, amount: Number, restored: Number, cleared: Number }],
      default: [],
    },
    ...applyOnceFields,
  },
  { versionKey: false, collection: 'gifts' },
);

// Serves queueing, once, the gifts of a campaign credited before allocation queues existed (gift-queue.store.ts).
schema.index({ campaignId: 1, succeededAt: 1, _id: 1 });
// Serves resuming an interrupted approval: the slices already taken for one disbursement.
schema.index({ 'allocations.disbursementId': 1 });

export function giftModel(connection: Connection): Model<GiftDocument> {
  return connection.model<GiftDocument>('Gift', schema);
}
