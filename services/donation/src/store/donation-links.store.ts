import { inCommands, insertNew, isDuplicateKey } from '@aid/store';
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

/** One link's write: `fresh` is the whole document when the key is new, `update` what changes an existing one. */
export interface LinkWrite {
  id: string;
  fresh: Record<string, unknown>;
  update: Record<string, unknown>;
}

/**
 * The Stripe id names this donation. The last writer wins: real Stripe ids name one object, and stripe-mock,
 * which answers one fixture id for every creation, would otherwise grow one document without bound.
 */
export const stripeIdLink = (kind: StripeIdKind, stripeId: string, donationId: string): LinkWrite => ({
  id: stripeLinkId(kind, stripeId),
  fresh: { donationId },
  update: { $set: { donationId } },
});

/** One more gift under a receipt code: a plan's installments are counted in tens, so the list stays small. */
export const receiptLink = (receiptHash: string, donationId: string): LinkWrite => ({
  id: receiptLinkId(receiptHash),
  fresh: { donationIds: [donationId] },
  update: { $addToSet: { donationIds: donationId } },
});

/** The `_id`-keyed links from Stripe ids and receipt hashes to donations (donation-link.model.ts). */
export function createDonationLinks(connection: Connection) {
  const links = donationLinkModel(connection);

  return {
    /**
     * Writes links in order. Most keys are new (a charge, a receipt code), so they go in ONE insert, which the
     * local database commits once where an upsert each would commit each; the keys already taken are then
     * updated in order, so the last write of a key still wins (and a set still gains every member). Every write
     * is idempotent: when an update's upsert races another writer inserting the same key, writing those again
     * is safe.
     */
    async write(writes: LinkWrite[]): Promise<void> {
      // A key's first write is its insert; its later ones in the list are updates after it, like taken keys.
      const first = new Map<string, number>();
      writes.forEach(({ id }, position) => {
        if (!first.has(id)) first.set(id, position);
      });
      const inserted = [...first.values()];
      const refused = await insertNew(
        links.collection,
        inserted.map((position) => {
          const { id, fresh } = writes[position] as LinkWrite;
          return { _id: id, ...fresh };
        }),
      );
      const taken = new Set(refused.map((index) => inserted[index]));
      const updates = writes.filter(
        (write, position) => first.get(write.id) !== position || taken.has(position),
      );
      if (updates.length === 0) return;
      const ops = updates.map(({ id, update }) => {
        const filter: Record<string, unknown> = { _id: id };
        return { updateOne: { filter, update, upsert: true } };
      });
      // In commands of at most `updatesPerCommand` statements.
      for (const chunk of inCommands(ops)) {
        try {
          await links.collection.bulkWrite(chunk, { ordered: true });
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          await links.collection.bulkWrite(chunk, { ordered: true });
        }
      }
    },

    async donationOfStripeId(kind: StripeIdKind, stripeId: string): Promise<string | null> {
      const doc = await links
        .findById(stripeLinkId(kind, stripeId), { donationId: 1 })
        .lean<DonationLinkDocument>();
      return doc?.donationId ?? null;
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
      const writes = docs.flatMap((doc) => [
        ...(doc.receiptHash ? [receiptLink(doc.receiptHash, doc._id)] : []),
        ...(doc.chargeId ? [stripeIdLink('charge', doc.chargeId, doc._id)] : []),
        ...(doc.paymentIntentId ? [stripeIdLink('payment-intent', doc.paymentIntentId, doc._id)] : []),
        ...(doc.subscriptionId ? [stripeIdLink('subscription', doc.subscriptionId, doc._id)] : []),
      ]);
      for (let start = 0; start < writes.length; start += 1_000)
        await this.write(writes.slice(start, start + 1_000));
      const doneAt = new Date();
      await this.write([{ id: backfillMarkId, fresh: { doneAt }, update: { $set: { doneAt } } }]);
      return docs.length;
    },
  };
}

export type DonationLinks = ReturnType<typeof createDonationLinks>;
