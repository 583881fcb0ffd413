import { isDuplicateKey, type ApplyOnce } from '@aid/store';
import type { Connection } from 'mongoose';
import type { AllocationSlice } from '../domain/allocation.ts';
import { giftMovement, refundSplit, reversalSplit, type GiftFacts } from '../domain/gift-position.ts';
import { giftModel, type GiftDocument, type GiftRefund, type GiftReversal } from './gift.model.ts';
import { createGiftQueue } from './gift-queue.store.ts';

export interface NewGift {
  donationId: string;
  campaignId: string;
  currency: string;
  amount: number;
  fee: number;
  net: number;
  succeededAt: Date;
}

export interface TakenSlice extends AllocationSlice {
  succeededAt: Date;
}

export type GiftStore = ReturnType<typeof createGiftStore>;

const total = (entries: { amount: number }[] | undefined) =>
  (entries ?? []).reduce((sum, entry) => sum + entry.amount, 0);

type FactsFields = Pick<
  GiftDocument,
  'campaignId' | 'currency' | 'net' | 'allocations' | 'releases' | 'refunds' | 'reversals'
>;

/** The sums a gift's position depends on (gift-position.ts), from its recorded history. */
function factsOf(gift: FactsFields): GiftFacts {
  return {
    net: gift.net,
    allocated: total(gift.allocations) - total(gift.releases),
    refunds: total(gift.refunds),
    reversals: total(gift.reversals),
  };
}

const factsProjection = {
  campaignId: 1,
  currency: 1,
  net: 1,
  remaining: 1,
  allocations: 1,
  releases: 1,
  refunds: 1,
  reversals: 1,
};

const refundAttempts = 20;

export function createGiftStore(connection: Connection, applyOnce: ApplyOnce) {
  const model = giftModel(connection);
  const queue = createGiftQueue(connection, model);

  return {
    model,

    /**
     * Written, then queued for allocation, before the account is credited, so the gifts always hold at least what
     * the account calls available and an approval finds all of it. New gifts are written in one insert and join
     * the queue's pages in one update per page; a redelivered gift joins the page it recorded. Gifts of one
     * campaign and currency, under the campaign's lock.
     */
    async recordNew(gifts: readonly NewGift[]): Promise<void> {
      const first = gifts[0];
      if (!first) return;
      const { campaignId, currency } = first;
      if (gifts.some((gift) => gift.campaignId !== campaignId || gift.currency !== currency))
        throw new Error('gifts recorded together must share one campaign and currency');
      const known = await model
        .find({ _id: { $in: gifts.map((gift) => gift.donationId) } }, { queuePage: 1 })
        .lean();
      const pageOf = new Map(known.map((doc) => [doc._id, doc.queuePage]));
      const fresh = gifts.filter((gift) => !pageOf.has(gift.donationId));
      const freshPages = await queue.pagesForNewGifts(campaignId, currency, fresh.length);
      const docs = fresh.map(({ donationId, ...fields }, index) => ({
        _id: donationId,
        ...fields,
        remaining: fields.net,
        queuePage: freshPages[index] as number,
      }));
      try {
        if (docs.length > 0) await model.insertMany(docs, { ordered: false });
      } catch (error) {
        // Only another writer outside the campaign's lock could have written one meanwhile: its page stands.
        if (!isDuplicateKey(error)) throw error;
        const raced = await model.find({ _id: { $in: docs.map((doc) => doc._id) } }, { queuePage: 1 }).lean();
        for (const doc of raced) pageOf.set(doc._id, doc.queuePage);
      }
      for (const doc of docs) if (!pageOf.has(doc._id)) pageOf.set(doc._id, doc.queuePage);
      // A gift queued before pages existed (no page recorded) joins the page new gifts join now.
      const unpaged = gifts.filter((gift) => pageOf.get(gift.donationId) === undefined);
      const currentPage =
        unpaged.length > 0 ? ((await queue.pagesForNewGifts(campaignId, currency, 1))[0] ?? 0) : 0;
      const byPage = new Map<number, string[]>();
      for (const gift of gifts) {
        const page = pageOf.get(gift.donationId) ?? currentPage;
        byPage.set(page, [...(byPage.get(page) ?? []), gift.donationId]);
      }
      for (const [page, ids] of [...byPage].sort(([a], [b]) => a - b))
        await queue.add(campaignId, currency, page, ids);
    },

    async exists(donationId: string): Promise<boolean> {
      return (await model.exists({ _id: donationId })) !== null;
    },

    /**
     * One pass over the campaign's gifts with money left that do not yet fund this disbursement, oldest first,
     * read by `_id` from the campaign's queue (gift-queue.store.ts).
     */
    allocatable(campaignId: string, currency: string, disbursementId: string) {
      return queue.scan(campaignId, currency, disbursementId);
    },

    /** The slices already taken for a disbursement, oldest gift first. */
    async allocationsFor(disbursementId: string): Promise<TakenSlice[]> {
      const docs = await model
        .find({ 'allocations.disbursementId': disbursementId }, { succeededAt: 1, allocations: 1 })
        .sort({ succeededAt: 1, _id: 1 })
        .lean();
      return docs.flatMap((doc) =>
        (doc.allocations ?? [])
          .filter((allocation) => allocation.disbursementId === disbursementId)
          .map((allocation) => ({
            donationId: doc._id,
            amount: allocation.amount,
            succeededAt: doc.succeededAt,
          })),
      );
    },

    /**
     * Takes slices off their gifts, each at most once: the allocation entry recorded on the gift is its own
     * idempotency mark, checked in the same single-document write (`allocations.disbursementId != id`), so no
     * separate operation log is needed and a slice costs a single write instead of the four of the operation log.
     * Returns the slices taken; a slice is skipped when its gift no longer has the money or already funds this
     * disbursement.
     */
    async allocateSlices(
      disbursementId: string,
      slices: readonly AllocationSlice[],
    ): Promise<AllocationSlice[]> {
      const taken: AllocationSlice[] = [];
      // One statement per write: each answer says whether its slice was taken, which a bulk write's count does not.
      for (const slice of slices) {
        const result = await model.updateOne(
          {
            _id: slice.donationId,
            remaining: { $gte: slice.amount },
            'allocations.disbursementId': { $ne: disbursementId },
          },
          {
            $inc: { remaining: -slice.amount },
            $push: { allocations: { disbursementId, amount: slice.amount } },
          },
        );
        if (result.modifiedCount === 1) taken.push(slice);
      }
      return taken;
    },

    async allocateSlice(disbursementId: string, slice: AllocationSlice): Promise<'applied' | 'refused'> {
      return (await this.allocateSlices(disbursementId, [slice])).length === 1 ? 'applied' : 'refused';
    },

    /**
     * Gives a cancelled disbursement's slice back to its gift, exactly once; the allocation is kept as history.
     * The slice first covers the gift's refund shortfall (gift-position.ts); returns what it covered, as recorded,
     * so a resumed cancellation moves the account by the same amount.
     */
    async releaseSlice(disbursementId: string, slice: AllocationSlice): Promise<number> {
      for (let attempt = 0; attempt < refundAttempts; attempt += 1) {
        const gift = await model.findById(slice.donationId, factsProjection).lean();
        if (!gift) throw new Error(`gift ${slice.donationId} of disbursement ${disbursementId} is not known`);
        const recorded = (gift.releases ?? []).find((release) => release.disbursementId === disbursementId);
        if (recorded) return recorded.covered ?? 0;
        const before = factsOf(gift);
        const movement = giftMovement(before, { ...before, allocated: before.allocated - slice.amount });
        if (movement.remaining > 0) await queue.reopen(gift.campaignId, gift.currency, slice.donationId);
        await applyOnce.apply({
          model,
          documentId: slice.donationId,
          operationId: `release:${disbursementId}:${slice.donationId}`,
          update: {
            $inc: { remaining: movement.remaining },
            $push: { releases: { disbursementId, amount: slice.amount, covered: -movement.shortfall } },
          },
          guard: { remaining: gift.remaining },
        });
      }
      throw new Error(
        `release of disbursement ${disbursementId} from gift ${slice.donationId} kept racing with other changes; it will be retried`,
      );
    },

    /**
     * Takes a refund off the gift and records how it was split in the same write, so the account's debit that
     * follows (and any retry of it) uses exactly this split. The guard is the remaining amount that was read: if
     * an allocation took money meanwhile, the split is decided again.
     */
    async recordRefund(donationId: string, refundId: string, amount: number): Promise<GiftRefund | null> {
      for (let attempt = 0; attempt < refundAttempts; attempt += 1) {
        const gift = await model.findById(donationId, factsProjection).lean();
        if (!gift) return null;
        const recorded = (gift.refunds ?? []).find((refund) => refund.refundId === refundId);
        if (recorded) return recorded;
        const before = factsOf(gift);
        const split = refundSplit(giftMovement(before, { ...before, refunds: before.refunds + amount }));
        await applyOnce.apply({
          model,
          documentId: donationId,
          operationId: `gift-refund:${refundId}`,
          update: { $inc: { remaining: -split.applied }, $push: { refunds: { refundId, amount, ...split } } },
          guard: { remaining: gift.remaining },
        });
      }
      throw new Error(
        `refund ${refundId} of gift ${donationId} kept racing with allocations; it will be retried`,
      );
    },

    /** The same for a refund that failed: what it gives back is decided once, recorded on the gift, then credited. */
    async recordReversal(donationId: string, refundId: string, amount: number): Promise<GiftReversal | null> {
      for (let attempt = 0; attempt < refundAttempts; attempt += 1) {
        const gift = await model.findById(donationId, factsProjection).lean();
        if (!gift) return null;
        const recorded = (gift.reversals ?? []).find((reversal) => reversal.refundId === refundId);
        if (recorded) return recorded;
        const before = factsOf(gift);
        const split = reversalSplit(
          giftMovement(before, { ...before, reversals: before.reversals + amount }),
        );
        if (split.restored > 0) await queue.reopen(gift.campaignId, gift.currency, donationId);
        await applyOnce.apply({
          model,
          documentId: donationId,
          operationId: `gift-refund-reversal:${refundId}`,
          update: {
            $inc: { remaining: split.restored },
            $push: { reversals: { refundId, amount, ...split } },
          },
          guard: { remaining: gift.remaining },
        });
      }
      throw new Error(
        `reversal of refund ${refundId} of gift ${donationId} kept racing with allocations; it will be retried`,
      );
    },
  };
}
