import { connectDatabase } from '@aid/store';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createStripeInbox, type InboxEvent } from './stripe-inbox.store.ts';

const minute = 60_000;

describe('the Stripe inbox of several instances', () => {
  let db: Connection;
  /** One clock for every inbox of a test, moved by hand. */
  let clock: number;
  const now = () => new Date(clock);
  const inboxOf = (instanceId: string) =>
    createStripeInbox(db, { instanceId, now, orphanAfterMs: 5 * minute });
  const receive = (inbox: ReturnType<typeof inboxOf>, id: string) =>
    inbox.receive({ id, type: 'payment_intent.succeeded', body: '{}', trace: {} });
  const inboxCollections = async () =>
    (await db.listCollections())
      .map((collection) => collection.name)
      .filter((name) => name.startsWith('stripe_inbox_'))
      .sort();
  const ids = (events: InboxEvent[]) => events.map((event) => event.id);

  beforeEach(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('stripe_inbox'));
    clock = Date.parse('2026-12-07T10:00:30Z');
  });
  afterAll(async () => {
    await db.close();
  });

  it('keeps each instance to its own collections, so one never drops events another has not applied', async () => {
    const a = inboxOf('host-a:4002');
    const b = inboxOf('host-b:4002');
    await receive(a, 'evt_a1');
    const fromB = await receive(b, 'evt_b1');
    expect(await inboxCollections()).toHaveLength(2);

    // A minute later b has applied its event; only its own collection goes, a's event stays.
    clock += minute;
    await b.settled([fromB]);
    const left = await inboxCollections();
    expect(left).toHaveLength(1);
    expect(await db.collection(left[0] ?? '').countDocuments()).toBe(1);
    // A young collection of a running instance is not another's to take.
    expect(await b.orphans()).toEqual([]);
    expect(await inboxOf('host-c:4002').pending()).toEqual([]);
  });

  it('gives an instance back what its previous run left, at once', async () => {
    const first = inboxOf('host-a:4002');
    await receive(first, 'evt_1');
    await receive(first, 'evt_2');

    const restarted = inboxOf('host-a:4002');
    const pending = await restarted.pending();
    expect(ids(pending)).toEqual(['evt_1', 'evt_2']);
    clock += minute;
    await restarted.settled(pending);
    expect(await inboxCollections()).toEqual([]);
  });

  it('lets another instance take up what an instance that stopped for good left, once it is old', async () => {
    const gone = inboxOf('host-a:4002');
    await receive(gone, 'evt_left');
    const survivor = inboxOf('host-b:4002');
    expect(await survivor.pending()).toEqual([]);

    clock += 4 * minute;
    expect(await survivor.orphans()).toEqual([]);
    clock += 2 * minute;
    const orphans = await survivor.orphans();
    expect(ids(orphans)).toEqual(['evt_left']);
    // Held now: a second sweep does not hand the same events over again.
    expect(await survivor.orphans()).toEqual([]);
    await survivor.settled(orphans);
    expect(await inboxCollections()).toEqual([]);
  });

  it('takes up collections written before names carried an instance', async () => {
    await db.collection('stripe_inbox_202612071000').insertOne({
      _id: 'evt_old' as never,
      seq: 1,
      type: 'payment_intent.succeeded',
      body: '{}',
      receivedAt: new Date(clock),
    });
    const inbox = inboxOf('host-a:4002');
    const pending = await inbox.pending();
    expect(ids(pending)).toEqual(['evt_old']);
    await inbox.settled(pending);
    expect(await inboxCollections()).toEqual([]);
  });
});
