import { newId, type AnyEvent } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { operationsOf, servedById as byId, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteSigner } from '../domain/checkpoint.ts';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  giftSucceeded,
  refundPair,
} from '@aid/test-kit/record-events';
import { recordPublicEvents } from '../use-cases/record-public-events.ts';
import { traceReceipt } from '../use-cases/trace-receipt.ts';
import { createLedgerStore, type LedgerStore } from './ledger-store.ts';

describe('public and hot reads of the ledger go by _id', () => {
  let db: Connection;
  let store: LedgerStore;
  const signer = noteSigner('ledger.test.localhost', Buffer.alloc(32, 7));
  const snapshot = campaignSnapshot({ publishedAt: '2026-02-01T00:00:00.000Z' });
  const campaignId = snapshot.campaignId;
  const receiptCode = `RCPT-IDREAD-${newId()}`;
  const donationId = newId();
  const chain = disbursementChain(campaignId, donationId, 1_000);
  const refund = refundPair(campaignId, donationId, 300);

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('ledger_idreads'));
    store = createLedgerStore(db, { readCacheMs: 0 });
    // Other campaigns' gifts around it: a scan would read them all.
    const others: AnyEvent[] = Array.from({ length: 40 }, (_, seed) =>
      giftSucceeded(newId(), { minute: seed }),
    );
    await recordPublicEvents(store, [
      campaignPublished(snapshot),
      ...others.slice(0, 20),
      giftSucceeded(campaignId, { donationId, receiptCode, amount: 2_500 }),
      ...others.slice(20),
    ]);
    await recordPublicEvents(store, [chain.approved, chain.allocated, refund.refunded, chain.paid]);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a receipt code is traced, then every query is by _id and the trace is whole', async () => {
    let trace: Awaited<ReturnType<typeof traceReceipt>> | undefined;
    const operations = await operationsOf(db, async () => {
      trace = await traceReceipt(store, signer, 'ledger.test.localhost', receiptCode);
    });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => !byId(operation))).toEqual([]);
    expect(trace?.donation).toMatchObject({ donationId, amount: 2_500, refunds: [{ amount: 300 }] });
    expect(trace?.allocations).toEqual([
      { disbursementId: chain.disbursementId, amount: 1_000, index: expect.any(Number) },
    ]);
    expect(trace?.disbursements).toMatchObject([{ disbursementId: chain.disbursementId }]);
    expect(trace?.payouts).toHaveLength(1);
    // The code's link names the donation and the gift's link the disbursements: three link reads, whatever the
    // chain's length, then every entry at once; beside them the head and, at most, one read of the tree.
    const reads = (collection: string) =>
      operations.filter((operation) => operation.collection === collection).length;
    expect({ links: reads('entry_refs'), entries: reads('entries'), heads: reads('campaign_logs') }).toEqual({
      links: 3,
      entries: 1,
      heads: 1,
    });
    expect(reads('tree_tiles')).toBeLessThanOrEqual(1);
  });

  it('when the links were written before they named donations and disbursements, then the trace is the same', async () => {
    const whole = await traceReceipt(store, signer, 'ledger.test.localhost', receiptCode);
    const links = db.collection('entry_refs');
    const named = await links
      .find({ $or: [{ donationId: { $exists: true } }, { disbursements: { $exists: true } }] })
      .toArray();
    expect(named.length).toBeGreaterThan(0);
    await links.updateMany({}, { $unset: { donationId: 1, disbursements: 1 } });
    try {
      expect(await traceReceipt(store, signer, 'ledger.test.localhost', receiptCode)).toEqual(whole);
    } finally {
      for (const link of named) await links.replaceOne({ _id: link._id }, link);
    }
  });

  it('when a campaign page asks for the summary and the dashboard together, then the log document is read once', async () => {
    let read: unknown[] = [];
    const operations = await operationsOf(db, async () => {
      read = await Promise.all([store.publicLogState(campaignId), store.projections(campaignId)]);
    });
    expect(operations.filter((operation) => operation.collection === 'campaign_logs')).toHaveLength(1);
    expect(read).toEqual([
      expect.objectContaining({ campaignId, size: expect.any(Number) }),
      expect.objectContaining({ days: expect.any(Object) }),
    ]);
  });

  it('when a delivery is appended, then its disbursement facts are read by _id and it counts the approved amount', async () => {
    const operations = await operationsOf(db, () => recordPublicEvents(store, [chain.delivered(25)]));
    expect(operations.filter((operation) => !byId(operation))).toEqual([]);
    const state = await store.logState(campaignId);
    expect(state?.totals).toMatchObject({ delivered: 1_000, beneficiaries: 25 });
    const trace = await traceReceipt(store, signer, 'ledger.test.localhost', receiptCode);
    expect(trace.deliveries).toMatchObject([{ beneficiaries: 25 }]);
  });

  it('when the public campaign list is read, then it is read by _id, newest first, without drafts', async () => {
    const older = campaignSnapshot({ publishedAt: '2026-01-01T00:00:00.000Z' });
    const draft = campaignSnapshot({ status: 'draft', publishedAt: null });
    await recordPublicEvents(store, [campaignPublished(older), campaignPublished(draft)]);
    let listed: string[] = [];
    const operations = await operationsOf(db, async () => {
      listed = (await store.publicCampaigns(50)).map((campaign) => campaign.campaignId);
    });
    expect(operations.filter((operation) => !byId(operation))).toEqual([]);
    expect(listed).toEqual([campaignId, older.campaignId]);
  });

  it('when no older version left messages in the campaign logs, then the outbox relay is given nothing to scan', async () => {
    expect(await store.legacyOutboxPending()).toBe(false);
    await db
      .collection('campaign_logs')
      .updateOne({ _id: campaignId } as never, { $set: { outbox: ['{}'], outboxSince: new Date() } });
    expect(await store.legacyOutboxPending()).toBe(true);
    await db
      .collection('campaign_logs')
      .updateOne({ _id: campaignId } as never, { $set: { outbox: [] }, $unset: { outboxSince: 1 } });
  });

  it('when a receipt code is unknown, then the trace answers not found after one read by _id', async () => {
    const operations = await operationsOf(db, async () => {
      await expect(
        traceReceipt(store, signer, 'ledger.test.localhost', `RCPT-UNKNOWN-${newId()}`),
      ).rejects.toMatchObject({ code: 'receipt-not-found' });
    });
    expect(operations).toHaveLength(1);
    expect(operations.filter((operation) => !byId(operation))).toEqual([]);
  });
});

describe('links for data stored before they existed', () => {
  let db: Connection;
  const signer = noteSigner('ledger.test.localhost', Buffer.alloc(32, 7));
  const trace = (store: LedgerStore, code: string) =>
    traceReceipt(store, signer, 'ledger.test.localhost', code);

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('ledger_migrate'));
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a deployment from before the links starts, then the start-up migration links its entries and lists its campaigns, once', async () => {
    const snapshot = campaignSnapshot();
    const receiptCode = `RCPT-OLD-${newId()}`;
    const donationId = newId();
    const chain = disbursementChain(snapshot.campaignId, donationId, 800);
    const store = createLedgerStore(db, { readCacheMs: 0 });
    await recordPublicEvents(store, [
      campaignPublished(snapshot),
      giftSucceeded(snapshot.campaignId, { donationId, receiptCode }),
      chain.approved,
      chain.allocated,
      chain.paid,
    ]);
    // What an older version left: entries and campaigns, no links, no list, no migration marker.
    for (const name of ['entry_refs', 'campaign_list', 'migrations'])
      await db.collection(name).deleteMany({});
    const old = createLedgerStore(db, { readCacheMs: 0 });
    await expect(trace(old, receiptCode)).rejects.toMatchObject({ code: 'receipt-not-found' });
    expect(await old.publicCampaigns(10)).toEqual([]);

    await old.migrateToLinks();
    const traced = await trace(old, receiptCode);
    expect(traced.allocations).toEqual([
      { disbursementId: chain.disbursementId, amount: 800, index: expect.any(Number) },
    ]);
    expect(traced.payouts).toHaveLength(1);
    expect((await old.publicCampaigns(10)).map((campaign) => campaign.campaignId)).toEqual([
      snapshot.campaignId,
    ]);
    // A delivery appended after the migration finds its approval through the link.
    await recordPublicEvents(old, [chain.delivered(12)]);
    expect((await old.logState(snapshot.campaignId))?.totals).toMatchObject({
      delivered: 800,
      beneficiaries: 12,
    });

    // Marked done: a second start reads the marker and nothing else.
    const operations = await operationsOf(db, () => createLedgerStore(db).migrateToLinks());
    expect(operations.map((operation) => operation.collection)).toEqual(['migrations']);
  });

  it('when a group recorded before the links existed is finished, then its links are read from its entries', async () => {
    const campaignId = newId();
    const receiptCode = `RCPT-INFLIGHT-${newId()}`;
    const crashing = createLedgerStore(db, {
      interrupt: (step) => {
        if (step === 'group-recorded') throw new Error('crashed');
      },
    });
    // A crash between the commit record and the rest, with the record as an older version wrote it (no links).
    await expect(recordPublicEvents(crashing, [giftSucceeded(campaignId, { receiptCode })])).rejects.toThrow(
      'crashed',
    );
    await db.collection('entry_refs').deleteMany({});
    await db.collection('entry_groups').updateMany({ campaignId }, { $unset: { refs: 1 } });

    const store = createLedgerStore(db, { readCacheMs: 0 });
    await recordPublicEvents(store, [giftSucceeded(campaignId)]);
    expect((await store.logState(campaignId))?.size).toBe(2);
    expect((await trace(store, receiptCode)).proof).toMatchObject({ campaignId, leafIndex: 0, treeSize: 2 });
  });
});
