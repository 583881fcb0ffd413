import { newId, receiptCodeHash } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { operationsOf, servedById, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Donation } from '../domain/donation.ts';
import { donationBuilder } from '../test-support/donation-builder.ts';
import { createDonationStore, type DonationStore, type NewDonation } from './donation.store.ts';
import { createDonorCipher } from './donor-cipher.ts';

const cipher = createDonorCipher(Buffer.alloc(32, 5));

function newDonation(overrides: Partial<Donation> = {}): NewDonation {
  const {
    status,
    paymentIntentId,
    fee,
    net,
    succeededAt,
    stripeEventIds,
    revision,
    chargeId,
    refunded,
    refunds,
    refundFailures,
    disputes,
    allocated,
    allocationIds,
    customerId,
    subscriptionId,
    subscriptionStatus,
    parentId,
    invoiceId,
    erasedAt,
    ...rest
  } = donationBuilder({
    id: newId(),
    publicRef: `d_${newId().replaceAll('-', '').slice(0, 24)}`,
    receiptHash: receiptCodeHash(`RCPT-${newId()}`),
    ...overrides,
  });
  void [
    status,
    paymentIntentId,
    fee,
    net,
    succeededAt,
    stripeEventIds,
    revision,
    chargeId,
    refunded,
    refunds,
    refundFailures,
    disputes,
    allocated,
    allocationIds,
    customerId,
    subscriptionId,
    subscriptionStatus,
    parentId,
    invoiceId,
    erasedAt,
  ];
  return rest;
}

describe('webhook and receipt lookups of donations go by _id', () => {
  let db: Connection;
  let store: DonationStore;
  /** Another instance, or this one after a restart: nothing in memory, so every lookup reaches the database. */
  let fresh: DonationStore;
  const gift = newDonation();
  const plan = newDonation({ interval: 'month' });
  const installmentId = newId();
  const chargeId = `ch_${newId()}`;
  const paymentIntentId = `pi_${newId()}`;
  const subscriptionId = `sub_${newId()}`;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('donation_idreads'));
    store = createDonationStore(db, cipher);
    fresh = createDonationStore(db, cipher);
    // Other gifts around them: a scan would read them all.
    for (let n = 0; n < 20; n += 1) await store.insert(newDonation(), { paymentIntentId: `pi_${newId()}` });
    await store.insert(gift, { paymentIntentId });
    const success = [
      {
        kind: 'update' as const,
        donationId: gift.id,
        fromRevision: 0,
        set: { status: 'succeeded' as const, chargeId },
        stripeEventIds: [`evt_${newId()}`],
        effects: [],
        after: donationBuilder({ ...gift, status: 'succeeded', chargeId, revision: 1 }),
      },
    ];
    await store.linkWebhookWrites(success);
    expect(await store.writeWebhookChanges(success)).toEqual(new Set());
    await store.insert(plan, { customerId: 'cus_1', subscriptionId });
    const installment = store.installmentDocument(
      donationBuilder({
        ...plan,
        id: installmentId,
        publicRef: `d_${newId().replaceAll('-', '').slice(0, 24)}`,
        status: 'succeeded',
        fee: 0,
        net: plan.amount,
        settledAmount: plan.amount,
        createdAt: new Date(plan.createdAt.getTime() + 60_000),
        succeededAt: new Date(plan.createdAt.getTime() + 60_000),
        chargeId: `ch_${newId()}`,
        parentId: plan.id,
        invoiceId: `in_${newId()}`,
        donor: null,
        paymentIntentId: null,
        stripeEventIds: [`evt_${newId()}`],
        revision: 0,
      }),
      [],
    );
    const born = [
      {
        kind: 'insert' as const,
        donationId: installmentId,
        doc: installment,
        after: donationBuilder({ ...plan, id: installmentId, parentId: plan.id }),
      },
    ];
    await store.linkWebhookWrites(born);
    expect(await store.writeWebhookChanges(born)).toEqual(new Set());
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a refund names a charge or a PaymentIntent, then the gift is found by _id reads only', async () => {
    let byCharge: Donation | null = null;
    let byIntent: Donation | null = null;
    const operations = await operationsOf(db, async () => {
      byCharge = await fresh.findByChargeId(chargeId);
      byIntent = await fresh.findByPaymentIntentId(paymentIntentId);
    });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    expect(byCharge).toMatchObject({ id: gift.id, chargeId, status: 'succeeded' });
    expect(byIntent).toMatchObject({ id: gift.id, paymentIntentId });
  });

  it('when an invoice names a subscription, then its plan is found by _id reads only', async () => {
    let found: Donation | null = null;
    const operations = await operationsOf(db, async () => {
      found = await fresh.findBySubscriptionId(subscriptionId);
    });
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    expect(found).toMatchObject({ id: plan.id, subscriptionId });
  });

  it('when a receipt is opened, then its plan and installments are read by _id, oldest first', async () => {
    let found: Donation[] = [];
    const operations = await operationsOf(db, async () => {
      found = await fresh.findByReceiptHash(plan.receiptHash);
    });
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    expect(found.map((donation) => donation.id)).toEqual([plan.id, installmentId]);
  });

  it('when an unknown Stripe id or receipt is asked for, then nothing is found and nothing is scanned', async () => {
    const operations = await operationsOf(db, async () => {
      expect(await fresh.findByChargeId('ch_unknown')).toBeNull();
      expect(await fresh.findByPaymentIntentId('pi_unknown')).toBeNull();
      expect(await fresh.findBySubscriptionId('sub_unknown')).toBeNull();
      expect(await fresh.findByReceiptHash(receiptCodeHash('RCPT-UNKNOWN'))).toEqual([]);
    });
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
  });

  it('when a donor erases their data, then every gift of the receipt is erased by _id', async () => {
    const operations = await operationsOf(db, () => fresh.erasePersonalData(plan.receiptHash, new Date()));
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    const after = await fresh.findByReceiptHash(plan.receiptHash);
    expect(after.map((donation) => [donation.id, donation.donor, donation.erasedAt !== null])).toEqual([
      [plan.id, null, true],
      [installmentId, null, true],
    ]);
  });

  it('when donations were stored before links existed, then the start-up backfill links them once', async () => {
    const old = newDonation();
    await store.model.collection.insertOne({
      ...old,
      _id: old.id,
      donorSealed: null,
      status: 'succeeded',
      chargeId: 'ch_old',
      paymentIntentId: 'pi_old',
      createdAt: new Date(),
    } as never);
    await db.collection('donation_links').deleteOne({ _id: 'migration:links-v1' } as never);
    expect(await fresh.backfillLinks()).toBeGreaterThan(20);
    expect(await fresh.findByChargeId('ch_old')).toMatchObject({ id: old.id });
    expect(await fresh.findByReceiptHash(old.receiptHash)).toMatchObject([{ id: old.id }]);
    expect(await fresh.backfillLinks()).toBe(0);
  });
});
