import { isDuplicateKey } from '@aid/store';
import type { Connection, Model } from 'mongoose';
import {
  backfillMarkId,
  donationLinkModel,
  receiptLinkId,
  stripeLinkId,
  type DonationLinkDocument,
  type StripeIdKind,
} from './donation-link.model.ts';
import type { DonationDocument } from './donation.model.ts';

/** Two upserts of one new key may race to insert it; the loser's retry updates the winner's document. */
async function upsert(
  links: Model<DonationLinkDocument>,
  id: string,
  update: Record<string, unknown>,
): Promise<void> {
  try {
    await links.collection.updateOne({ _id: id } as Record<string, unknown>, update, { upsert: true });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    await links.collection.updateOne({ _id: id } as Record<string, unknown>, update, { upsert: true });
  }
}

/** The `_id`-keyed links from Stripe ids and receipt hashes to donations (donation-link.model.ts). */
export function createDonationLinks(connection: Connection) {
  const links = donationLinkModel(connection);

  return {
    /**
     * The Stripe id names this donation. The last writer wins: real Stripe ids name one object, and stripe-mock,
     * which answers one fixture id for every creation, would otherwise grow one document without bound.
     */
    async pointStripeId(kind: StripeIdKind, stripeId: string, donationId: string): Promise<void> {
      await upsert(links, stripeLinkId(kind, stripeId), { $set: { donationId } });
    },

    async donationOfStripeId(kind: StripeIdKind, stripeId: string): Promise<string | null> {
      const doc = await links
        .findById(stripeLinkId(kind, stripeId), { donationId: 1 })
        .lean<DonationLinkDocument>();
      return doc?.donationId ?? null;
    },

    /** One more gift under a receipt code: a plan's installments are counted in tens, so the list stays small. */
    async addToReceipt(receiptHash: string, donationId: string): Promise<void> {
      await upsert(links, receiptLinkId(receiptHash), { $addToSet: { donationIds: donationId } });
    },

    async donationsOfReceipt(receiptHash: string): Promise<string[]> {
      const doc = await links
        .findById(receiptLinkId(receiptHash), { donationIds: 1 })
        .lean<DonationLinkDocument>();
      return doc?.donationIds ?? [];
    },

    /**
     * Links for donations stored before links existed: one read of every donation, once per database (a marker
     * records it), at start-up. Re-running it is harmless: every write is idempotent.
     */
    async backfill(donations: Model<DonationDocument>): Promise<number> {
      if (await links.findById(backfillMarkId, { _id: 1 }).lean()) return 0;
      const docs = await donations
        .find({}, { chargeId: 1, paymentIntentId: 1, subscriptionId: 1, receiptHash: 1 })
        .lean<
          Pick<DonationDocument, '_id' | 'chargeId' | 'paymentIntentId' | 'subscriptionId' | 'receiptHash'>[]
        >();
      for (const doc of docs) {
        if (doc.receiptHash) await this.addToReceipt(doc.receiptHash, doc._id);
        if (doc.chargeId) await this.pointStripeId('charge', doc.chargeId, doc._id);
        if (doc.paymentIntentId) await this.pointStripeId('payment-intent', doc.paymentIntentId, doc._id);
        if (doc.subscriptionId) await this.pointStripeId('subscription', doc.subscriptionId, doc._id);
      }
      await upsert(links, backfillMarkId, { $set: { doneAt: new Date() } });
      return docs.length;
    },
  };
}
