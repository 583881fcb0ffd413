import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * A signed Stripe event accepted at the webhook edge and not yet applied. `_id` is Stripe's event id, so a
 * redelivery while the first copy waits is refused by the unique `_id`. Applied events are deleted, which keeps
 * this collection as small as the backlog (FerretDB scans for anything but `_id` equality).
 */
export interface StripeInboxDocument {
  _id: string;
  /** Arrival order in this process; applying in this order keeps each donation's events in order. */
  seq: number;
  type: string;
  /** The verified raw body, parsed again by the processor. */
  body: string;
  receivedAt: Date;
}

const stripeInboxSchema = new mongoose.Schema<StripeInboxDocument>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    body: { type: String, required: true },
    receivedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Only looked up by _id (dedupe on insert, delete once applied); the start-up read takes the whole (small) collection.

export function stripeInboxModel(connection: Connection): Model<StripeInboxDocument> {
  return connection.model<StripeInboxDocument>('StripeInbox', stripeInboxSchema, 'stripe_inbox');
}
