import { newId } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { operationsOf, servedById, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignDisbursementList } from './campaign-disbursement-list.store.ts';
import { campaignDisbursementsModel } from './campaign-disbursements.model.ts';

// Small pages, so that a few ids span several.
const pageSize = 3;

let db: Connection;
let list: ReturnType<typeof createCampaignDisbursementList>;

beforeAll(async () => {
  db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('disbursement_lists'));
  list = createCampaignDisbursementList(db, pageSize);
});

afterAll(async () => {
  await db?.dropDatabase();
  await db?.close();
});

const ids = (count: number) =>
  Array.from({ length: count }, (_, n) => `d${String(n).padStart(2, '0')}-${newId()}`);

/** Every id, newest first, page after page as the API pages. */
async function readAll(campaignId: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const read: string[] = [];
  let after: string | undefined;
  for (let pages = 1; ; pages += 1) {
    const page = await list.page(campaignId, { limit, after });
    read.push(...page.ids);
    if (!page.more) return { ids: read, pages };
    after = page.ids.at(-1);
  }
}

/** A list as the first version stored it: every entry in the campaign's one document. */
async function storeFirstShape(campaignId: string, listed: string[]): Promise<void> {
  await campaignDisbursementsModel(db).collection.insertOne({
    _id: campaignId as never,
    entries: listed.map((id, n) => ({ id, requestedAt: new Date(Date.UTC(2026, 0, 1, 0, n)) })),
  });
}

describe('a campaign’s list of disbursements in pages', () => {
  it('when more disbursements are listed than a page holds, then the list reads back complete, newest first, and each read and write is by _id', async () => {
    const campaignId = newId();
    const listed = ids(11);
    const operations = await operationsOf(db, async () => {
      for (const id of listed) await list.add(campaignId, id);
    });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    const pages = await db
      .collection('campaign_disbursement_pages')
      .find({ _id: { $in: [0, 1, 2, 3, 4].map((page) => `${campaignId}:${page}`) } } as never)
      .sort({ _id: 1 })
      .toArray();
    expect(pages.map((page) => page.ids)).toEqual([
      listed.slice(0, 3),
      listed.slice(3, 6),
      listed.slice(6, 9),
      listed.slice(9),
    ]);

    expect((await list.page(campaignId, { limit: 100 })).ids).toEqual([...listed].reverse());
    for (const limit of [1, 2, 3, 4, 11]) {
      const read = await readAll(campaignId, limit);
      expect(read.ids, `limit ${limit}`).toEqual([...listed].reverse());
      expect(read.pages, `limit ${limit}`).toBe(Math.ceil(listed.length / limit));
    }
  });

  it('when an id is added again, then it is listed once', async () => {
    const campaignId = newId();
    const listed = ids(5);
    for (const id of listed) await list.add(campaignId, id);
    // A retried request: the last id again, then one on a page already full (the retry lands on the next page).
    await list.add(campaignId, listed[4]!);
    await list.add(campaignId, listed[1]!);
    await list.add(campaignId, listed[1]!);
    const read = await list.page(campaignId, { limit: 100 });
    expect(new Set(read.ids).size).toBe(read.ids.length);
    expect([...read.ids].sort()).toEqual([...listed].sort());
  });

  it('when the first page is asked for, then only the newest pages are read', async () => {
    const campaignId = newId();
    for (const id of ids(30)) await list.add(campaignId, id);
    const operations = await operationsOf(db, () => list.page(campaignId, { limit: 2 }));
    const [head, ...pages] = operations.map((operation) => operation.collection);
    expect(head).toBe('campaign_disbursements');
    // Of ten pages, the last (opened when the one before filled, still empty) and the one before it.
    expect(pages).toEqual(['campaign_disbursement_pages', 'campaign_disbursement_pages']);
  });

  it('when the cursor is not on the list, then paging starts from the newest, as it did before pages', async () => {
    const campaignId = newId();
    const listed = ids(5);
    for (const id of listed) await list.add(campaignId, id);
    expect(await list.page(campaignId, { limit: 2, after: 'not-listed' })).toEqual({
      ids: [listed[4], listed[3]],
      more: true,
    });
  });

  it('when a list is stored in the first shape, then it reads as it was, and the next addition moves it into pages, once', async () => {
    const campaignId = newId();
    const old = ids(8);
    await storeFirstShape(campaignId, old);
    expect((await readAll(campaignId, 3)).ids).toEqual([...old].reverse());

    const added = ids(2);
    await list.add(campaignId, added[0]!);
    const head = await db.collection('campaign_disbursements').findOne({ _id: campaignId as never });
    expect(head?.entries).toBeUndefined();
    // Pages 0 and 1 full, page 2 with the last two old ids and the new one: full, so page 3 is next.
    expect(head?.lastPage).toBe(3);
    await list.add(campaignId, added[1]!);
    expect((await readAll(campaignId, 3)).ids).toEqual([...old, ...added].reverse());
  });

  it('when moving a first-shape list stopped part-way, then the next addition completes it without listing anything twice', async () => {
    const campaignId = newId();
    const old = ids(7);
    await storeFirstShape(campaignId, old);
    // What a crash after the first page leaves: that page written, the head still in the first shape.
    await db
      .collection('campaign_disbursement_pages')
      .insertOne({ _id: `${campaignId}:0` as never, ids: old.slice(0, pageSize), added: pageSize });
    expect((await readAll(campaignId, 4)).ids).toEqual([...old].reverse());

    const added = ids(1);
    await list.add(campaignId, added[0]!);
    expect((await readAll(campaignId, 4)).ids).toEqual([...old, ...added].reverse());
  });

  it('when the previous version adds to a list already in pages, then its entries are read, and the next addition takes them into pages', async () => {
    const campaignId = newId();
    const paged = ids(4);
    for (const id of paged) await list.add(campaignId, id);
    const late = ids(2);
    await db.collection('campaign_disbursements').updateOne({ _id: campaignId as never }, {
      $push: { entries: { $each: late.map((id) => ({ id, requestedAt: new Date() })) } },
    } as never);
    expect((await readAll(campaignId, 2)).ids).toEqual([...paged, ...late].reverse());

    const added = ids(1);
    await list.add(campaignId, added[0]!);
    const head = await db.collection('campaign_disbursements').findOne({ _id: campaignId as never });
    expect(head?.entries).toBeUndefined();
    expect((await readAll(campaignId, 2)).ids).toEqual([...paged, ...late, ...added].reverse());
  });

  it('when a campaign has no list, then its page is empty', async () => {
    expect(await list.page(newId(), { limit: 10 })).toEqual({ ids: [], more: false });
  });
});
