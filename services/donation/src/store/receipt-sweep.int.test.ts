import { newId } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { operationsOf, servedById, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiptMailStore, receiptMessageId, type ReceiptMailStore } from './receipt-mail.store.ts';

describe('the receipt sender finds what is owed by _id', () => {
  let db: Connection;
  let store: ReceiptMailStore;
  const now = new Date();

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('donation_receipts'));
    store = createReceiptMailStore(db);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when receipts are owed, sent, dropped or due later, then the sweep reads only _id and returns the ones due, oldest first', async () => {
    // Many receipts already sent: a scan would read them all.
    const old = Array.from({ length: 30 }, () => newId());
    await store.owe(old, new Date(now.getTime() - 60_000));
    for (const id of old) await store.sent(receiptMessageId(id), now);
    const [first, second, later, dropped] = [newId(), newId(), newId(), newId()];
    await store.owe([first], new Date(now.getTime() - 2_000));
    await store.owe([second, dropped], new Date(now.getTime() - 1_000));
    await store.owe([later], now);
    await store.failed(receiptMessageId(later), 1, new Date(now.getTime() + 60_000), 'mail server away');
    await store.dropped(receiptMessageId(dropped), 'no address');

    let due: string[] = [];
    const operations = await operationsOf(db, async () => {
      due = (await store.due(now, 10)).map((receipt) => receipt.donationId);
    });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    expect(due).toEqual([first, second]);
    expect(
      (await store.due(new Date(now.getTime() + 120_000), 10)).map((receipt) => receipt.donationId),
    ).toEqual([first, second, later]);
  });

  it('when receipts were owed before the pending set existed, then the start-up backfill finds them once', async () => {
    const donationId = newId();
    await db.collection('receipt_mails').insertOne({
      _id: receiptMessageId(donationId),
      donationId,
      attempts: 0,
      nextAttemptAt: now,
      sentAt: null,
      droppedReason: null,
      lastError: null,
      createdAt: now,
    } as never);
    expect((await store.due(now, 100)).map((receipt) => receipt.donationId)).not.toContain(donationId);
    expect(await store.backfillPending()).toBeGreaterThan(0);
    expect((await store.due(now, 100)).map((receipt) => receipt.donationId)).toContain(donationId);
    expect(await store.backfillPending()).toBe(0);
  });

  it('when two senders find the same receipt due, then only one takes it, and it is due again once the taker’s lease ends', async () => {
    const donationId = newId();
    await store.owe([donationId], new Date(now.getTime() - 1_000));
    const messageId = receiptMessageId(donationId);
    const taken = await Promise.all([store.claim(messageId, now), store.claim(messageId, now)]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect((await store.due(now, 100)).map((receipt) => receipt.donationId)).not.toContain(donationId);
    const afterLease = new Date(now.getTime() + 5 * 60_000 + 1);
    expect((await store.due(afterLease, 100)).map((receipt) => receipt.donationId)).toContain(donationId);
    await store.sent(messageId, now);
    expect(await store.claim(messageId, afterLease)).toBe(false);
  });
});
