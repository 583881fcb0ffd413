import { isDuplicateKey } from '@aid/store';
import type { Connection } from 'mongoose';
import {
  bundleWidth,
  decodeBundle,
  encodeBundle,
  entryBundleId,
  entryBundleModel,
  partialBundleIds,
  partialStep,
} from './entry-bundle.model.ts';
import { entryId, entryModel } from './entry.model.ts';
import { bufferOf } from './stored-binary.ts';

/** The bundles (entry-bundle.model.ts) that a log's head moving from `from` to `to` completes. */
export function bundlesCompleted(from: number, to: number): number[] {
  const first = Math.floor(from / bundleWidth);
  const last = Math.floor(to / bundleWidth) - 1;
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, offset) => first + offset);
}

/** The width of the partial bundle (a multiple of partialStep, 0 for none) that a head at `size` has passed. */
function partialWidth(size: number): number {
  return Math.floor((size % bundleWidth) / partialStep) * partialStep;
}

/**
 * Writes and reads a campaign's entry bundles. A bundle is written after the head has moved past it, so it is
 * never part of the append's commit: a crash before it is written leaves entries that are read from their own
 * documents, as are all entries appended before bundles existed, until `sealMissing` writes their bundles.
 */
export function createEntryBundles(db: Connection) {
  const bundles = entryBundleModel(db);
  const entries = entryModel(db);

  /** Writes one stored bundle document; a bundle already written (by another finisher, or the sweep) never changes. */
  async function insert(id: string, leaves: readonly Buffer[]): Promise<void> {
    try {
      await bundles.collection.insertOne({ _id: id, leaves: encodeBundle(leaves) } as Record<
        string,
        unknown
      >);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** Bundle `bundle` of a log, from the leaves given and, for the others, the entries' own documents. */
  async function seal(campaignId: string, bundle: number, known: ReadonlyMap<number, Buffer>): Promise<void> {
    const first = bundle * bundleWidth;
    const leaves: (Buffer | undefined)[] = Array.from({ length: bundleWidth }, (_, offset) =>
      known.get(first + offset),
    );
    const unknown = leaves.flatMap((leaf, offset) => (leaf ? [] : [first + offset]));
    if (unknown.length > 0) {
      const docs = await entries
        .find({ _id: { $in: unknown.map((index) => entryId(campaignId, index)) } }, { index: 1, leaf: 1 })
        .lean();
      for (const doc of docs) leaves[doc.index - first] = bufferOf(doc.leaf);
    }
    const missing = leaves.findIndex((leaf) => leaf === undefined);
    if (missing >= 0)
      throw new Error(`entry ${first + missing} of ${campaignId} is below the head but not stored`);
    await insert(entryBundleId(campaignId, bundle), leaves as Buffer[]);
    // The partials are superseded: a reader that still asks for one reads the entries' documents instead.
    await bundles.deleteMany({ _id: { $in: partialBundleIds(campaignId, bundle) } });
  }

  return {
    /**
     * Writes the bundles completed by the head's move from `from` to `to`, and the widest partial bundle it passed
     * in the bundle the head is now inside; `known` holds leaves at hand by index. A partial is written only from
     * leaves at hand: reading them back every 32 entries would cost more than it saves.
     */
    async sealCompleted(
      campaignId: string,
      from: number,
      to: number,
      known: ReadonlyMap<number, Buffer> = new Map(),
    ): Promise<void> {
      for (const bundle of bundlesCompleted(from, to)) await seal(campaignId, bundle, known);
      const bundle = Math.floor(to / bundleWidth);
      const width = partialWidth(to);
      const passedBefore = Math.floor(from / bundleWidth) === bundle ? partialWidth(from) : 0;
      if (width <= passedBefore) return;
      const leaves = Array.from({ length: width }, (_, offset) => known.get(bundle * bundleWidth + offset));
      if (leaves.every((leaf) => leaf !== undefined))
        await insert(entryBundleId(campaignId, bundle, width), leaves);
    },

    /**
     * The leaves of `[from, to)` that stored bundles hold, by index; `below` is the head served, past which no
     * bundle is complete. Indexes absent from the answer are to be read from the entries' own documents.
     */
    async leaves(campaignId: string, from: number, to: number, below: number): Promise<Map<number, Buffer>> {
      const found = new Map<number, Buffer>();
      const end = Math.min(to, below);
      // Each bundle the range touches: whole when the head is past it, else its widest partial below the head.
      const wanted = new Map<string, { first: number; width: number }>();
      for (let bundle = Math.floor(from / bundleWidth); bundle * bundleWidth < end; bundle += 1) {
        const width = (bundle + 1) * bundleWidth <= below ? bundleWidth : partialWidth(below);
        if (width > 0)
          wanted.set(entryBundleId(campaignId, bundle, width), { first: bundle * bundleWidth, width });
      }
      if (wanted.size === 0) return found;
      const ids = [...wanted.keys()];
      const docs =
        ids.length === 1
          ? [await bundles.findById(ids[0]).lean()]
          : await bundles.find({ _id: { $in: ids } }).lean();
      for (const doc of docs) {
        const bundle = doc ? wanted.get(doc._id) : undefined;
        if (!doc || !bundle) continue;
        const { first, width } = bundle;
        for (const [offset, leaf] of decodeBundle(bufferOf(doc.leaves), width).entries()) {
          const index = first + offset;
          if (index >= from && index < end) found.set(index, leaf);
        }
      }
      return found;
    },

    /**
     * Writes the bundles missing below each head: those of entries appended before bundles existed, and any a
     * crash left unwritten after its head moved. Walks each log back from its last full bundle and stops at the
     * first one stored, so once everything is bundled it costs one read per campaign. `stopped` ends it early.
     */
    async sealMissing(
      heads: readonly { campaignId: string; size: number }[],
      stopped: () => boolean = () => false,
    ): Promise<number> {
      let written = 0;
      for (const { campaignId, size } of heads) {
        for (let bundle = Math.floor(size / bundleWidth) - 1; bundle >= 0 && !stopped(); bundle -= 1) {
          if (await bundles.exists({ _id: entryBundleId(campaignId, bundle) })) break;
          await seal(campaignId, bundle, new Map());
          written += 1;
        }
        if (stopped()) break;
      }
      return written;
    },
  };
}
