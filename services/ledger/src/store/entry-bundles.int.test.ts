import { newId, type AnyEvent } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { operationsOf, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHash } from '../domain/leaf.ts';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  giftSucceeded,
} from '@aid/test-kit/record-events';
import { recordPublicEvents } from '../use-cases/record-public-events.ts';
import { bundleWidth, decodeBundle, entryBundleId } from './entry-bundle.model.ts';
import { entryId } from './entry.model.ts';
import { createLedgerStore, type ExportedEntry, type LedgerStore } from './ledger-store.ts';
import { bufferOf } from './stored-binary.ts';

/** A campaign's log of `count` events: published, a disbursement delivered early on, then gifts. */
function campaignEvents(count: number) {
  const snapshot = campaignSnapshot();
  const donationId = newId();
  const chain = disbursementChain(snapshot.campaignId, donationId, 700);
  const head: AnyEvent[] = [
    campaignPublished(snapshot),
    giftSucceeded(snapshot.campaignId, { donationId, amount: 1_000 }),
    chain.approved,
    chain.allocated,
    chain.paid,
    chain.delivered(9),
  ];
  const gifts = Array.from({ length: count - head.length }, (_, seed) =>
    giftSucceeded(snapshot.campaignId, { amount: 100 + seed, minute: seed % 1_000 }),
  );
  return { campaignId: snapshot.campaignId, events: [...head, ...gifts] };
}

/** Appends events in groups of the sizes given, as the consumer's batches would. */
async function appendInGroups(store: LedgerStore, events: AnyEvent[], sizes: number[]): Promise<void> {
  let at = 0;
  for (const size of sizes) {
    await recordPublicEvents(store, events.slice(at, at + size));
    at += size;
  }
  expect(at).toBe(events.length);
}

describe('entry bundles', () => {
  let db: Connection;
  let store: LedgerStore;
  // Groups that start and end inside bundles: the first bundle is completed by a group that began in it.
  const { campaignId, events } = campaignEvents(600);
  let stored: Buffer[] = [];

  /** A log's entries' own bytes, read from their documents. */
  async function documentLeavesOf(campaign: string, from: number, to: number): Promise<Buffer[]> {
    const docs = await db
      .collection('entries')
      .find({
        _id: { $in: Array.from({ length: to - from }, (_, offset) => entryId(campaign, from + offset)) },
      } as never)
      .toArray();
    return docs
      .sort((a, b) => (a.index as number) - (b.index as number))
      .map((doc) => bufferOf(doc.leaf as never));
  }
  const documentLeaves = (from: number, to: number) => documentLeavesOf(campaignId, from, to);

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('ledger_bundles'));
    store = createLedgerStore(db, { readCacheMs: 0 });
    await appendInGroups(store, events, [1, 200, 100, 299]);
    stored = await documentLeaves(0, events.length);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when the head passes a bundle, then the bundle holds exactly its entries’ bytes, its partials are gone, and only the widest partial below the head remains', async () => {
    const bundles = await db.collection('entry_bundles').find({}).sort({ _id: 1 }).toArray();
    expect(bundles.map((bundle) => bundle._id)).toEqual([
      entryBundleId(campaignId, 0),
      entryBundleId(campaignId, 1),
      entryBundleId(campaignId, 2, 64),
    ]);
    expect(bundles.slice(0, 2).flatMap((bundle) => decodeBundle(bufferOf(bundle.leaves as never)))).toEqual(
      stored.slice(0, 2 * bundleWidth),
    );
    expect(decodeBundle(bufferOf(bundles[2]?.leaves as never), 64)).toEqual(
      stored.slice(2 * bundleWidth, 2 * bundleWidth + 64),
    );
  });

  it('when a page lies inside a bundle, then it is read from that one document, not from its entries', async () => {
    let page: Awaited<ReturnType<LedgerStore['entriesRange']>> = [];
    const operations = await operationsOf(db, async () => {
      page = await store.entriesRange(campaignId, 300, 100, events.length);
    });
    expect(operations.map((operation) => operation.collection)).toEqual(['entry_bundles']);
    expect(page.map((entry) => entry.index)).toEqual(
      Array.from({ length: 100 }, (_, offset) => 300 + offset),
    );
    expect(page.map((entry) => entry.leaf)).toEqual(stored.slice(300, 400));
  });

  it('when a page runs past the last full bundle, then it reads the widest partial below the head, at most 31 entries from their documents, in order', async () => {
    let page: Awaited<ReturnType<LedgerStore['entriesRange']>> = [];
    const newest = await operationsOf(db, async () => {
      page = await store.entriesRange(campaignId, 500, 100, events.length);
    });
    expect(page.map((entry) => entry.index)).toEqual(
      Array.from({ length: 100 }, (_, offset) => 500 + offset),
    );
    expect(page.map((entry) => entry.leaf)).toEqual(stored.slice(500, 600));
    expect(newest.map((operation) => operation.collection)).toEqual(['entry_bundles', 'entries']);
    expect((newest[1]?.filter._id as { $in: string[] }).$in).toHaveLength(600 - (2 * bundleWidth + 64));
    // A head served below the partial stored reads those entries from their documents, and stops at that head.
    expect((await store.entriesRange(campaignId, 480, 100, 560)).map((entry) => entry.leaf)).toEqual(
      stored.slice(480, 560),
    );
    // A head served below a bundle's end does not read that bundle, whatever is stored.
    const below = await operationsOf(db, () => store.entriesRange(campaignId, 250, 100, 300));
    expect(below.map((operation) => operation.collection)).toEqual(['entry_bundles', 'entries']);
    expect((await store.entriesRange(campaignId, 250, 100, 300)).map((entry) => entry.index)).toEqual(
      Array.from({ length: 50 }, (_, offset) => 250 + offset),
    );
  });

  it('when an export reads bundled entries, then each has its hash and a delivery keeps the amount it delivered', async () => {
    const exported: ExportedEntry[] = [];
    for await (const page of store.entryPages(campaignId, events.length)) exported.push(...page);
    expect(exported.map((entry) => entry.leaf)).toEqual(stored);
    expect(exported.every((entry) => entry.leafHash === leafHash(entry.leaf).toString('hex'))).toBe(true);
    const delivery = exported.find((entry) => entry.entry.kind === 'delivery');
    expect(delivery?.index).toBeLessThan(bundleWidth);
    expect(delivery?.deltas).toMatchObject({ delivered: 700, beneficiaries: 9 });
  });

  it('when bundles are missing (entries from before bundles, or a crash after the head moved), then reads use the documents until the sweep writes them', async () => {
    await db.collection('entry_bundles').deleteMany({});
    const unbundled = await operationsOf(db, async () => {
      expect(
        (await store.entriesRange(campaignId, 300, 100, events.length)).map((entry) => entry.leaf),
      ).toEqual(stored.slice(300, 400));
    });
    expect(unbundled.map((operation) => operation.collection)).toEqual(['entry_bundles', 'entries']);

    expect(await store.sealMissingBundles()).toBe(2);
    const bundled = await operationsOf(db, async () => {
      expect(
        (await store.entriesRange(campaignId, 300, 100, events.length)).map((entry) => entry.leaf),
      ).toEqual(stored.slice(300, 400));
    });
    expect(bundled.map((operation) => operation.collection)).toEqual(['entry_bundles']);
    // Once everything is bundled, the sweep reads one bundle per campaign and writes nothing.
    expect(await store.sealMissingBundles()).toBe(0);
  });

  it('when a group completes a bundle that earlier groups of this process began, then its leaves are not read back', async () => {
    const other = campaignEvents(260);
    await appendInGroups(store, other.events.slice(0, 250), [100, 150]);
    const operations = await operationsOf(db, () => recordPublicEvents(store, other.events.slice(250)));
    expect(operations.filter((operation) => operation.collection === 'entries')).toEqual([]);
    const bundle = await db
      .collection('entry_bundles')
      .findOne({ _id: entryBundleId(other.campaignId, 0) } as never);
    const own = await db
      .collection('entries')
      .find({ campaignId: other.campaignId, index: { $lt: bundleWidth } })
      .sort({ index: 1 })
      .toArray();
    expect(decodeBundle(bufferOf(bundle?.leaves as never))).toEqual(
      own.map((doc) => bufferOf(doc.leaf as never)),
    );
  });

  it('when the head moves inside a bundle, then a partial is written each time it passes 32 more entries, from the leaves at hand', async () => {
    const other = campaignEvents(200);
    await appendInGroups(store, other.events, [10, 30, 1, 40, 100, 19]);
    const ids = (
      await db
        .collection('entry_bundles')
        .find({
          _id: { $in: [32, 64, 96, 128, 160, 192].map((width) => entryBundleId(other.campaignId, 0, width)) },
        } as never)
        .toArray()
    ).map((bundle) => bundle._id);
    // Heads 10, 40, 41, 81, 181, 200: passed 32, 64, 160 and 192 (96 and 128 were passed by the same move as 160).
    expect(ids.sort()).toEqual([32, 64, 160, 192].map((width) => entryBundleId(other.campaignId, 0, width)));
    const own = await documentLeavesOf(other.campaignId, 0, 200);
    expect((await store.entriesRange(other.campaignId, 0, 200, 200)).map((entry) => entry.leaf)).toEqual(own);
  });

  it('when a bundle’s write fails, then the append stands, the failure is told, and the write is tried again after the next append', async () => {
    const other = campaignEvents(300);
    const failures: unknown[] = [];
    let failing = true;
    const flaky = createLedgerStore(db, {
      readCacheMs: 0,
      interrupt: (step) => {
        if (step === 'sealing-bundles' && failing) throw new Error('the database did not answer');
      },
      onBundleFailed: (error) => failures.push(error),
    });
    await recordPublicEvents(flaky, other.events.slice(0, 299));
    expect((await flaky.logState(other.campaignId))?.size).toBe(299);
    expect(failures).toHaveLength(1);
    expect(
      await db
        .collection('entry_bundles')
        .countDocuments({ _id: entryBundleId(other.campaignId, 0) } as never),
    ).toBe(0);
    expect((await flaky.entriesRange(other.campaignId, 0, 256, 299)).map((entry) => entry.index)).toEqual(
      Array.from({ length: 256 }, (_, index) => index),
    );

    failing = false;
    await recordPublicEvents(flaky, other.events.slice(299));
    expect(
      await db
        .collection('entry_bundles')
        .countDocuments({ _id: entryBundleId(other.campaignId, 0) } as never),
    ).toBe(1);
    const operations = await operationsOf(db, () => flaky.entriesRange(other.campaignId, 0, 256, 300));
    expect(operations.map((operation) => operation.collection)).toEqual(['entry_bundles']);
  });
});
