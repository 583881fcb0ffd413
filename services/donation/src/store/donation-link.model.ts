import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * What a Stripe id or a receipt names, keyed by `_id`: the local database uses no index but `_id`, so a webhook
 * or receipt lookup by a donation's other fields would read every donation. One document per key:
 *
 * - `charge:<charge id>`, `payment-intent:<id>`, `subscription:<id>`: the one donation it belongs to;
 * - `receipt:<receipt hash>`: every gift handed out under one receipt code (a monthly plan and its installments).
 *
 * Each link is written, idempotently, BEFORE the donation field it mirrors, so any donation a webhook can name is
 * found; a crash between the two leaves a link to a donation that lacks the field (or does not exist), which a
 * lookup reads as that donation or as none, never as a lost gift.
 */
export interface DonationLinkDocument {
  _id: string;
  donationId?: string;
  donationIds?: string[];
}

const schema = new mongoose.Schema<DonationLinkDocument>(
  {
    _id: { type: String, required: true },
    donationId: { type: String },
    donationIds: { type: [String], default: undefined },
  },
  { versionKey: false },
);
// No secondary index: every read and write is by `_id`.

export function donationLinkModel(connection: Connection): Model<DonationLinkDocument> {
  return connection.model<DonationLinkDocument>('DonationLink', schema, 'donation_links');
}

export type StripeIdKind = 'charge' | 'payment-intent' | 'subscription';

export const stripeLinkId = (kind: StripeIdKind, id: string) => `${kind}:${id}`;
export const receiptLinkId = (receiptHash: string) => `receipt:${receiptHash}`;
/** Marks that donations stored before the links existed have theirs. */
export const backfillMarkId = 'migration:links-v1';
