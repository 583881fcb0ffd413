import type { Connection, Model } from 'mongoose';
import { fifoOrder, type AllocatableGift, type AllocationSlice } from '../domain/allocation.ts';
import { fundsAccountModel } from './funds-account.model.ts';
import type { GiftDocument } from './gift.model.ts';
import {
  giftQueueModel,
  giftQueuePageModel,
  type GiftQueueDocument,
  type QueuePosition,
} from './gift-queue.model.ts';

// Gifts per page: a page is read whole when an approval reaches it, so it stays a few kilobytes.
const pageSize = 256;
// Gifts read at once while scanning: a small disbursement needs one or two gifts, a large one grows the reads.
const firstRead = 8;
const largestRead = 128;

const queueId = (campaignId: string, currency: string) => `${campaignId}:${currency}`;
const pageId = (queue: string, page: number) => `${queue}:${page}`;

/** A gift as one scan of the queue read it: where it stands and what it still holds after this scan's takes. */
interface ScannedGift {
  donationId: string;
  at: QueuePosition | 'reopened';
  remaining: number;
}

/**
 * A campaign's gifts in the order they were credited, kept as pages read by `_id`, so that approving a
 * disbursement reads the few gifts it spends instead of querying the campaign's gifts: the local database reads
 * a whole collection for any filter outside `_id`, which made an approval cost a second at 10,000 gifts.
 *
 * All its writes run under the campaign's lock, like the money moves they follow. What keeps money findable:
 * - a gift is written before it joins a page, and joins before its account is credited, so money that can be
 *   reserved is always in the queue;
 * - the frontier only moves past gifts a scan saw empty (or emptied itself), and every write that gives a gift
 *   money back first names it in `reopened`, so no gift with money is ever behind the frontier unnamed.
 */
export function createGiftQueue(connection: Connection, gifts: Model<GiftDocument>) {
  const queues = giftQueueModel(connection);
  const pages = giftQueuePageModel(connection);
  const accounts = fundsAccountModel(connection);

  /**
   * The queue's head, created on first use. A campaign credited before queues existed gets its gifts queued
   * oldest first, once, from the one query that reads them all.
   */
  async function head(campaignId: string, currency: string): Promise<GiftQueueDocument> {
    const id = queueId(campaignId, currency);
    const found = await queues.findById(id).lean();
    if (found) return found;
    let lastPage = 0;
    if (await accounts.exists({ _id: campaignId })) {
      // Gifts already spent are left out: one that gets money back is named in `reopened`.
      const existing = await gifts
        .find({ campaignId, currency, remaining: { $gt: 0 } }, { succeededAt: 1 })
        .sort({ succeededAt: 1, _id: 1 })
        .lean();
      for (let start = 0; start < existing.length; start += pageSize) {
        const ids = existing.slice(start, start + pageSize).map((gift) => gift._id);
        await pages.updateOne(
          { _id: pageId(id, start / pageSize) },
          { $addToSet: { gifts: { $each: ids } }, $max: { added: ids.length } },
          { upsert: true },
        );
      }
      // The page the next gift joins: the last one written if it has room, else a new one.
      lastPage = Math.floor(existing.length / pageSize);
    }
    const created = await queues
      .findOneAndUpdate(
        { _id: id },
        { $setOnInsert: { lastPage, frontier: { page: 0, index: 0 }, reopened: [] } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean();
    return created;
  }

  return {
    /**
     * The pages `count` gifts credited now join, in order: what room the last page has, then new pages. Read under
     * the campaign's lock, like every queue write, so no other credit fills the room meanwhile.
     */
    async pagesForNewGifts(campaignId: string, currency: string, count: number): Promise<number[]> {
      const id = queueId(campaignId, currency);
      const { lastPage } = await head(campaignId, currency);
      const last = await pages.findById(pageId(id, lastPage), { added: 1 }).lean();
      let room = Math.max(0, pageSize - (last?.added ?? 0));
      let page = lastPage;
      return Array.from({ length: count }, () => {
        if (room === 0) {
          page += 1;
          room = pageSize;
        }
        room -= 1;
        return page;
      });
    },

    /** Adds recorded gifts to one page (a second time changes nothing); a full page opens the next one. */
    async add(campaignId: string, currency: string, page: number, donationIds: string[]): Promise<void> {
      if (donationIds.length === 0) return;
      const id = queueId(campaignId, currency);
      // The whole page comes back: the local database takes no projection on findAndModify.
      const written = await pages
        .findOneAndUpdate(
          { _id: pageId(id, page) },
          { $addToSet: { gifts: { $each: donationIds } }, $inc: { added: donationIds.length } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean();
      if ((written?.added ?? 0) >= pageSize)
        await queues.updateOne({ _id: id }, { $max: { lastPage: page + 1 } });
    },

    /** Names a gift about to get money back, before that write: a crash in between leaves a name, never lost money. */
    async reopen(campaignId: string, currency: string, donationId: string): Promise<void> {
      await head(campaignId, currency);
      await queues.updateOne({ _id: queueId(campaignId, currency) }, { $addToSet: { reopened: donationId } });
    },

    /**
     * One pass over the gifts with money that do not fund `disbursementId` yet, oldest first: the reopened ones
     * (by when they succeeded), then the pages from the frontier. `spent` reports what the caller took, and
     * `settle` moves the frontier past what is now empty.
     */
    scan(campaignId: string, currency: string, disbursementId: string) {
      const id = queueId(campaignId, currency);
      const scanned: ScannedGift[] = [];
      let start: QueuePosition = { page: 0, index: 0 };

      async function read(ids: string[]) {
        const docs = await gifts
          .find({ _id: { $in: ids } }, { remaining: 1, succeededAt: 1, allocations: 1 })
          .lean();
        return new Map(docs.map((doc) => [doc._id, doc]));
      }

      /** The gifts of `ids` that can fund this disbursement, in the order given; every one is noted as scanned. */
      async function openOf(
        ids: string[],
        at: (index: number) => ScannedGift['at'],
      ): Promise<AllocatableGift[]> {
        const docs = await read(ids);
        const open: AllocatableGift[] = [];
        ids.forEach((donationId, index) => {
          const doc = docs.get(donationId);
          scanned.push({ donationId, at: at(index), remaining: doc?.remaining ?? 0 });
          if (!doc || doc.remaining <= 0) return;
          if ((doc.allocations ?? []).some((allocation) => allocation.disbursementId === disbursementId))
            return;
          open.push({ donationId, succeededAt: doc.succeededAt, remaining: doc.remaining });
        });
        return open;
      }

      return {
        async *batches(): AsyncGenerator<AllocatableGift[]> {
          const queue = await head(campaignId, currency);
          start = queue.frontier;
          // An empty array set on insert is not stored by every MongoDB-compatible database (FerretDB drops it).
          const reopened = queue.reopened ?? [];
          if (reopened.length > 0) {
            const open = (await openOf(reopened, () => 'reopened')).sort(fifoOrder);
            if (open.length > 0) yield open;
          }
          let want = firstRead;
          for (let page = start.page; page <= queue.lastPage; page += 1) {
            const ids = (await pages.findById(pageId(id, page), { gifts: 1 }).lean())?.gifts ?? [];
            for (
              let index = page === start.page ? start.index : 0;
              index < ids.length;
              index += want, want = Math.min(want * 4, largestRead)
            ) {
              const first = index;
              const open = await openOf(ids.slice(index, index + want), (offset) => ({
                page,
                index: first + offset,
              }));
              if (open.length > 0) yield open;
            }
          }
        },

        spent(slices: readonly AllocationSlice[]): void {
          const taken = new Map<string, number>();
          for (const slice of slices)
            taken.set(slice.donationId, (taken.get(slice.donationId) ?? 0) + slice.amount);
          for (const gift of scanned) {
            const amount = taken.get(gift.donationId);
            if (amount !== undefined) gift.remaining -= amount;
          }
        },

        /** Moves the frontier to the first gift of the pages that still holds money, and forgets emptied reopened gifts. */
        async settle(): Promise<void> {
          const inPages = scanned.filter(
            (gift): gift is ScannedGift & { at: QueuePosition } => gift.at !== 'reopened',
          );
          const firstOpen = inPages.find((gift) => gift.remaining > 0);
          const last = inPages.at(-1);
          const frontier = firstOpen?.at ?? (last ? { page: last.at.page, index: last.at.index + 1 } : start);
          const emptied = scanned
            .filter((gift) => gift.at === 'reopened' && gift.remaining <= 0)
            .map((gift) => gift.donationId);
          const moved = frontier.page !== start.page || frontier.index !== start.index;
          if (!moved && emptied.length === 0) return;
          await queues.updateOne(
            { _id: id },
            {
              ...(moved ? { $set: { frontier } } : {}),
              ...(emptied.length > 0 ? { $pullAll: { reopened: emptied } } : {}),
            },
          );
        },
      };
    },
  };
}
