import { apiKeyHash, envelope, newId, receiptCodeHash } from '@aid/contracts';
import {
  campaignEventFixture,
  campaignSnapshotFixture,
  chargeRefunded,
  disputeEvent,
  eventually,
  invoicePaid,
  newStripeId,
  stripeEvent,
  succeededWithFee,
} from '@aid/test-kit';
import { startLedgerProcess, type ServiceProcess } from '@aid/test-kit/service-processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliver,
  deliverTwice,
  donate,
  newGift,
  publishCampaignEventsTwice,
  publishDisbursementTwice,
  publishedCampaign,
  startDonationForTest,
  type DonationUnderTest,
} from './test-support/donation-under-test.ts';

type Ledger = ServiceProcess;

let donation: DonationUnderTest;
let ledger: Ledger;

beforeAll(async () => {
  ledger = await startLedgerProcess();
  donation = await startDonationForTest();
});

afterAll(async () => {
  await donation?.service.stop();
  await ledger?.stop();
});

interface Figures {
  raised: number;
  fees: number;
  refunded: number;
  net: number;
  gifts: number;
}

/** Waits until the public summary shows these figures, then checks they stay (no late double count). */
async function expectSummary(campaignId: string, figures: Partial<Figures>) {
  const read = async () => {
    const response = await fetch(`${ledger.url}/v1/campaigns/${campaignId}/summary`);
    return (await response.json()) as Figures;
  };
  await eventually(async () => expect(await read()).toMatchObject(figures), { timeoutMs: 30_000 });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(await read()).toMatchObject(figures);
}

async function view(donationId: string, receiptCode: string) {
  const response = await fetch(`${donation.url}/v1/donations/${donationId}`, {
    headers: { 'x-receipt-code': receiptCode },
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function refund(
  donationId: string,
  apiKey: string,
  body: Record<string, unknown>,
  idempotencyKey?: string,
) {
  const response = await fetch(`${donation.url}/v1/donations/${donationId}/refund`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
      ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Whether one of the inbox's per-minute collections still holds the event. */
async function inboxHolds(eventId: string): Promise<boolean> {
  const { db } = donation.service.deps;
  const names = (await db.listCollections())
    .map((collection) => collection.name)
    .filter((name) => name.startsWith('stripe_inbox_'));
  const counts = await Promise.all(
    names.map((name) => db.collection(name).countDocuments({ _id: eventId } as never)),
  );
  return counts.some((count) => count > 0);
}

const raw = (donationId: string) =>
  donation.service.deps.db
    .collection<{ _id: string } & Record<string, any>>('donations')
    .findOne({ _id: donationId });

function allocation(campaignId: string, donationId: string, amount: number) {
  const disbursementId = newId();
  const time = new Date();
  return envelope({
    type: 'org.diaspora-aid.disbursement.allocated',
    source: '/services/disbursement',
    subject: campaignId,
    time,
    data: {
      disbursementId,
      campaignId,
      donationId,
      amount,
      currency: 'USD',
      allocatedAt: time.toISOString(),
    },
  });
}

describe('fees, refunds and the refund policy', () => {
  it('when a gift succeeds with a processor fee, is partly allocated and refunded by the organization and then by the bank, then every figure is right after each step', async () => {
    const { campaignId, adminKey } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId, receiptCode } = await newGift(donation, { campaignId });

    await deliverTwice(donation, succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId }));
    await expectSummary(campaignId, { raised: 2500, fees: 103, refunded: 0, net: 2397, gifts: 1 });
    expect((await view(donationId, receiptCode)).body).toMatchObject({
      status: 'succeeded',
      fee: 103,
      net: 2397,
      refunded: 0,
    });

    await publishDisbursementTwice([allocation(campaignId, donationId, 2000)]);
    await eventually(async () => expect(await raw(donationId)).toMatchObject({ allocated: 2000 }));

    // Unallocated net is 2397 - 2000 = 397: a larger organization refund is refused, naming the amount.
    const tooMuch = await refund(donationId, adminKey, { amount: 500, reason: 'donor asked' });
    expect(tooMuch).toMatchObject({
      status: 409,
      body: { code: 'refund-above-unallocated', field: 'amount' },
    });
    const full = await refund(donationId, adminKey, {});
    expect(full).toMatchObject({ status: 409, body: { field: 'amount' } });

    const accepted = await refund(donationId, adminKey, { amount: 300, reason: 'donor asked' });
    expect(accepted).toMatchObject({
      status: 202,
      body: { donationId, amount: 300, currency: 'USD', status: 'pending' },
    });
    expect((await view(donationId, receiptCode)).body.refunds).toMatchObject([
      { amount: 300, status: 'pending' },
    ]);
    // Pending refunds count against what may still be refunded: 97 left.
    expect((await refund(donationId, adminKey, { amount: 98 })).status).toBe(409);
    // Nothing public moves until Stripe reports the refund.
    await expectSummary(campaignId, { refunded: 0, net: 2397 });

    const first = chargeRefunded({ chargeId, donationId, amount: 2500, amountRefunded: 300 });
    await deliverTwice(donation, first);
    await expectSummary(campaignId, { raised: 2500, fees: 103, refunded: 300, net: 2097 });
    expect((await view(donationId, receiptCode)).body).toMatchObject({
      status: 'succeeded',
      refunded: 300,
      refunds: [{ amount: 300, status: 'settled' }],
    });

    // The bank refunds the rest; its event comes before a late copy of an older level, and both twice.
    const rest = chargeRefunded({ chargeId, amount: 2500, amountRefunded: 2500 });
    const olderLevel = chargeRefunded({ chargeId, amount: 2500, amountRefunded: 300 });
    await deliverTwice(donation, rest, olderLevel, first);
    await expectSummary(campaignId, { raised: 2500, fees: 103, refunded: 2500, net: -103 });
    expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'refunded', refunded: 2500 });
    expect((await refund(donationId, adminKey, { amount: 1 })).body).toMatchObject({
      code: 'donation-not-refundable',
    });
  });

  it('when a refund and a dispute are reported before the payment succeeded, then they wait in the inbox and count once after the success', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId, receiptCode } = await newGift(donation, { campaignId });
    const early = chargeRefunded({ chargeId, donationId, amount: 2500, amountRefunded: 1000 });
    await deliver(donation, early);
    expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'pending', refunded: 0 });
    expect(await inboxHolds(early.id)).toBe(true);

    await deliverTwice(donation, succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId }));
    const disputeId = newStripeId('dp');
    await deliverTwice(
      donation,
      early,
      disputeEvent('charge.dispute.created', { disputeId, chargeId, amount: 1500, status: 'needs_response' }),
    );
    await expectSummary(campaignId, { raised: 2500, fees: 103, refunded: 1000, net: 1397 });
    expect((await view(donationId, receiptCode)).body).toMatchObject({
      status: 'succeeded',
      refunded: 1000,
      disputes: [{ disputeId, status: 'open' }],
    });
  });

  it('when a refund is asked twice with one Idempotency-Key (a double press, a retry), then one refund is made and the first answer comes again', async () => {
    const { campaignId, adminKey } = await publishedCampaign(donation);
    const { donationId } = await newGift(donation, { campaignId });
    await deliver(
      donation,
      succeededWithFee(donationId, { amount: 2500, fee: 0, chargeId: newStripeId('ch') }),
    );
    const key = `refund-${newId()}`;
    const [first, second] = await Promise.all([
      refund(donationId, adminKey, { amount: 300 }, key),
      refund(donationId, adminKey, { amount: 300 }, key),
    ]);
    // One of two presses at once may hear that the first is still being made; never a second refund.
    const answers = [first, second].map((answer) => answer.status).sort();
    expect([
      [202, 202],
      [202, 409],
    ]).toContainEqual(answers);
    const again = await refund(donationId, adminKey, { amount: 300 }, key);
    expect(again).toMatchObject({ status: 202, body: first.status === 202 ? first.body : second.body });
    expect((await raw(donationId))?.refunds).toHaveLength(1);
    const reused = await refund(donationId, adminKey, { amount: 200 }, key);
    expect(reused.status).toBe(409);
    expect((await raw(donationId))?.refunds).toHaveLength(1);
  });

  it('when the caller is not an admin of the gift’s organization (or holds no known key), then the refund is refused and Stripe is not asked', async () => {
    const own = await publishedCampaign(donation);
    const other = await publishedCampaign(donation);
    const { donationId } = await newGift(donation, { campaignId: own.campaignId });
    await deliver(
      donation,
      succeededWithFee(donationId, { amount: 2500, fee: 0, chargeId: newStripeId('ch') }),
    );
    const answers = await Promise.all([
      refund(donationId, other.adminKey, { amount: 100 }),
      refund(donationId, 'key_unknown', { amount: 100 }),
      refund(newId(), own.adminKey, { amount: 100 }),
    ]);
    expect(answers.map((answer) => [answer.status, answer.body.field])).toEqual([
      [404, 'id'],
      [401, 'authorization'],
      [404, 'id'],
    ]);
    const noKey = await fetch(`${donation.url}/v1/donations/${donationId}/refund`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(noKey.status).toBe(401);
    expect((await refund(donationId, own.adminKey, { amount: 2.5 })).body).toMatchObject({
      status: 400,
      field: 'amount',
    });
    expect((await raw(donationId))?.refunds).toEqual([]);
  });

  it('when an admin’s key is rotated and the admin is later revoked, then the old key stops working, the new one works until the revocation, and late copies bring neither back', async () => {
    const { campaignId, organizationId, adminKey, adminId } = await publishedCampaign(donation);
    const { donationId } = await newGift(donation, { campaignId });
    await deliver(
      donation,
      succeededWithFee(donationId, { amount: 2500, fee: 0, chargeId: newStripeId('ch') }),
    );
    const newKey = `key_${newId()}`;
    const time = new Date();
    const rotated = envelope({
      type: 'org.diaspora-aid.campaign.member-key-rotated',
      source: '/services/campaign',
      subject: organizationId,
      time,
      data: {
        organizationId,
        memberId: adminId,
        role: 'admin',
        apiKeyHash: apiKeyHash(newKey),
        keyRevision: 2,
        rotatedAt: time.toISOString(),
      },
    });
    await publishCampaignEventsTwice([rotated]);
    // A key no member holds any more is no identity: 401, as an unknown key.
    await eventually(async () =>
      expect((await refund(donationId, adminKey, { amount: 100 })).status).toBe(401),
    );
    expect((await refund(donationId, newKey, { amount: 100 })).status).toBe(202);

    const revoked = envelope({
      type: 'org.diaspora-aid.campaign.member-revoked',
      source: '/services/campaign',
      subject: organizationId,
      time,
      data: { organizationId, memberId: adminId, revokedBy: newId(), revokedAt: time.toISOString() },
    });
    await publishCampaignEventsTwice([revoked, rotated]);
    await eventually(async () =>
      expect((await refund(donationId, newKey, { amount: 100 })).status).toBe(401),
    );
  });
});

describe('disputes', () => {
  it('when a dispute is lost and its close arrives before its opening, twice each, then it counts once as money taken back', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId, receiptCode } = await newGift(donation, { campaignId });
    await deliverTwice(donation, succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId }));
    await expectSummary(campaignId, { raised: 2500, fees: 103, refunded: 0, net: 2397 });

    const disputeId = newStripeId('dp');
    await deliverTwice(
      donation,
      disputeEvent('charge.dispute.closed', { disputeId, chargeId, amount: 2500, status: 'lost' }),
      disputeEvent('charge.dispute.created', { disputeId, chargeId, amount: 2500, status: 'needs_response' }),
    );
    await expectSummary(campaignId, { raised: 2500, fees: 103, refunded: 2500, net: -103 });
    expect((await view(donationId, receiptCode)).body.disputes).toMatchObject([
      { disputeId, amount: 2500, status: 'lost' },
    ]);
  });

  it('when a dispute opens, then the money is held without changing net, and when it is won nothing is taken', async () => {
    const { campaignId, adminKey } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId, receiptCode } = await newGift(donation, { campaignId });
    await deliver(donation, succeededWithFee(donationId, { amount: 2500, fee: 0, chargeId }));
    const disputeId = newStripeId('dp');
    await deliverTwice(
      donation,
      disputeEvent('charge.dispute.created', { disputeId, chargeId, amount: 2500, status: 'needs_response' }),
    );
    await expectSummary(campaignId, { raised: 2500, refunded: 0, net: 2500 });
    expect((await view(donationId, receiptCode)).body.disputes).toMatchObject([{ status: 'open' }]);
    // Held money cannot also be refunded.
    expect((await refund(donationId, adminKey, { amount: 100 })).body).toMatchObject({
      code: 'refund-above-remaining',
    });

    await deliverTwice(
      donation,
      disputeEvent('charge.dispute.closed', { disputeId, chargeId, amount: 2500, status: 'won' }),
    );
    await eventually(async () =>
      expect((await view(donationId, receiptCode)).body.disputes).toMatchObject([{ status: 'won' }]),
    );
    await expectSummary(campaignId, { raised: 2500, refunded: 0, net: 2500 });
    expect((await refund(donationId, adminKey, { amount: 100 })).status).toBe(202);
  });
});

describe('monthly gifts', () => {
  it('when a monthly gift is made, then a Stripe subscription is created, each paid invoice becomes one gift, and the donor can cancel with the receipt code', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const { donationId, receiptCode, clientSecret } = await newGift(donation, {
      campaignId,
      interval: 'month',
      showName: true,
    });
    expect(typeof clientSecret).toBe('string');
    const plan = await raw(donationId);
    expect(plan).toMatchObject({ interval: 'month', subscriptionStatus: 'active' });
    expect(plan?.subscriptionId).toMatch(/^sub_/);
    expect(plan?.customerId).toMatch(/^cus_/);
    expect(JSON.stringify(plan)).not.toContain('amina.yusuf@example.org');

    const paidAt = Math.floor(Date.now() / 1000);
    const march = invoicePaid({
      invoiceId: newStripeId('in'),
      subscriptionId: String(plan?.subscriptionId),
      donationId,
      amount: 2500,
      paidAt,
    });
    const april = invoicePaid({
      invoiceId: newStripeId('in'),
      subscriptionId: String(plan?.subscriptionId),
      donationId,
      amount: 2500,
      paidAt: paidAt + 60,
    });
    // April's invoice is reported before March's, and each twice.
    await deliverTwice(donation, april, march, april);
    await expectSummary(campaignId, { raised: 5000, fees: 0, net: 5000, gifts: 2 });

    const { body } = await view(donationId, receiptCode);
    expect(body).toMatchObject({
      interval: 'month',
      subscriptionStatus: 'active',
      donor: { name: 'Amina Yusuf' },
    });
    expect(body.related).toHaveLength(2);
    const installments = await donation.service.deps.db
      .collection('donations')
      .find({ parentId: donationId })
      .toArray();
    expect(installments).toHaveLength(2);
    expect(
      installments.every(
        (installment) =>
          installment.receiptHash === receiptCodeHash(receiptCode) && installment.status === 'succeeded',
      ),
    ).toBe(true);
    // An installment opens with the same code and shows the plan's contact details.
    const installment = await view(String(installments[0]?._id), receiptCode);
    expect(installment.body).toMatchObject({
      parentId: donationId,
      status: 'succeeded',
      donor: { name: 'Amina Yusuf' },
    });

    // A donor who kept only the code finds the plan and its months by the code alone.
    const byCode = await fetch(`${donation.url}/v1/receipt`, {
      headers: { 'x-receipt-code': receiptCode.toLowerCase() },
    });
    expect(byCode.status).toBe(200);
    const { gifts } = (await byCode.json()) as {
      gifts: { id: string; interval: string; parentId: string | null; subscriptionStatus: string | null }[];
    };
    expect(gifts).toHaveLength(3);
    expect(gifts[0]).toMatchObject({
      id: donationId,
      interval: 'month',
      parentId: null,
      subscriptionStatus: 'active',
    });
    expect(gifts.slice(1).every((gift) => gift.parentId === donationId)).toBe(true);
    const unknown = await fetch(`${donation.url}/v1/receipt`, {
      headers: { 'x-receipt-code': 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA' },
    });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${donation.url}/v1/receipt`)).status).toBe(404);

    const cancel = () =>
      fetch(`${donation.url}/v1/donations/${donationId}/cancel`, {
        method: 'POST',
        headers: { 'x-receipt-code': receiptCode },
      });
    const canceled = await cancel();
    expect(canceled.status).toBe(200);
    expect(await canceled.json()).toEqual({ donationId, subscriptionStatus: 'canceled' });
    expect((await cancel()).status).toBe(200);
    expect((await view(donationId, receiptCode)).body.subscriptionStatus).toBe('canceled');
  });

  it('when Stripe ends the subscription itself, twice, then the plan is canceled once and the donor’s cancel answers the same', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const { donationId, receiptCode } = await newGift(donation, { campaignId, interval: 'month' });
    const plan = await raw(donationId);
    const ended = stripeEvent('customer.subscription.deleted', {
      id: plan?.subscriptionId,
      object: 'subscription',
      status: 'canceled',
      metadata: { donationId },
    });
    await deliverTwice(donation, ended);
    expect((await view(donationId, receiptCode)).body.subscriptionStatus).toBe('canceled');
    const revisionAfter = (await raw(donationId))?.revision;
    const cancel = await fetch(`${donation.url}/v1/donations/${donationId}/cancel`, {
      method: 'POST',
      headers: { 'x-receipt-code': receiptCode },
    });
    expect(cancel.status).toBe(200);
    expect((await raw(donationId))?.revision).toBe(revisionAfter);
  });

  it('when a one-off gift or a wrong code is used to cancel, then it is refused', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const { donationId, receiptCode } = await newGift(donation, { campaignId });
    const once = await fetch(`${donation.url}/v1/donations/${donationId}/cancel`, {
      method: 'POST',
      headers: { 'x-receipt-code': receiptCode },
    });
    expect(once.status).toBe(409);
    const wrong = await fetch(`${donation.url}/v1/donations/${donationId}/cancel`, {
      method: 'POST',
      headers: { 'x-receipt-code': 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA' },
    });
    expect(wrong.status).toBe(404);
  });
});

describe('Idempotency-Key', () => {
  it('when the same key comes with the same body, then the first answer is replayed; with another body, the answer is 409', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const key = newId();
    const first = await donate(donation, { campaignId }, { 'idempotency-key': key });
    const again = await donate(donation, { campaignId }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again).toEqual(first);
    const other = await donate(donation, { campaignId, amount: 5000 }, { 'idempotency-key': key });
    expect(other).toMatchObject({
      status: 409,
      body: { code: 'idempotency-key-reused', field: 'Idempotency-Key' },
    });
    expect(await donation.service.deps.db.collection('donations').countDocuments({ campaignId })).toBe(1);
    const stored = await donation.service.deps.db.collection('idempotency_keys').find().toArray();
    expect(JSON.stringify(stored)).not.toContain(String(first.body.receiptCode));
    expect(JSON.stringify(stored)).not.toContain(key);
  });

  it('when a key is malformed, then the answer is 400 naming it', async () => {
    const { status, body } = await donate(
      donation,
      { campaignId: newId() },
      { 'idempotency-key': 'has spaces in it' },
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'invalid-idempotency-key', field: 'Idempotency-Key' });
  });
});

describe('personal data erasure', () => {
  it('when the donor erases their data, then name and email are gone, the gift and the public ledger stay, and repeating it is harmless', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const { donationId, receiptCode } = await newGift(donation, { campaignId, showName: true });
    await deliver(
      donation,
      succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId: newStripeId('ch') }),
    );
    await expectSummary(campaignId, { raised: 2500, net: 2397 });
    const entriesBefore = await (
      await fetch(`${ledger.url}/v1/campaigns/${campaignId}/entries?from=0&limit=100`)
    ).json();

    const erase = () =>
      fetch(`${donation.url}/v1/donations/${donationId}/personal-data`, {
        method: 'DELETE',
        headers: { 'x-receipt-code': receiptCode },
      });
    expect((await erase()).status).toBe(204);
    expect((await erase()).status).toBe(204);
    const { body } = await view(donationId, receiptCode);
    expect(body).toMatchObject({ donor: null, erased: true, amount: 2500, status: 'succeeded', fee: 103 });
    const stored = await raw(donationId);
    expect(stored).toMatchObject({ donorSealed: null, receiptHash: receiptCodeHash(receiptCode) });
    expect(stored?.publicRef).toBe(body.publicRef);
    expect(
      await (await fetch(`${ledger.url}/v1/campaigns/${campaignId}/entries?from=0&limit=100`)).json(),
    ).toEqual(entriesBefore);
    const wrong = await fetch(`${donation.url}/v1/donations/${donationId}/personal-data`, {
      method: 'DELETE',
    });
    expect(wrong.status).toBe(404);
  });
});

async function totals(campaignId: string) {
  const response = await fetch(`${donation.url}/v1/campaigns/${campaignId}/totals`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /v1/campaigns/:id/totals', () => {
  it('when gifts succeed, one is partly refunded, one dispute is lost, one won and one still open, then the service’s totals match the ledger summary built from its events', async () => {
    const { campaignId } = await publishedCampaign(donation);
    expect(await totals(campaignId)).toEqual({
      status: 200,
      body: {
        campaignId,
        currency: 'USD',
        gifts: 0,
        raised: 0,
        fees: 0,
        refunded: 0,
        disputed: 0,
        net: 0,
        refundsReversed: 0,
      },
    });
    const gifts = [
      await newGift(donation, { campaignId }),
      await newGift(donation, { campaignId }),
      await newGift(donation, { campaignId }),
      await newGift(donation, { campaignId }),
    ];
    const charges = gifts.map(() => newStripeId('ch'));
    const charge = (index: number) => charges[index] ?? '';
    const gift = (index: number) => gifts[index]?.donationId ?? '';
    await deliverTwice(
      donation,
      ...gifts.map((_, index) =>
        succeededWithFee(gift(index), { amount: 2500, fee: 103, chargeId: charge(index) }),
      ),
    );
    await deliverTwice(
      donation,
      chargeRefunded({ chargeId: charge(0), donationId: gift(0), amount: 2500, amountRefunded: 700 }),
    );
    const [lost, won, open] = [newStripeId('dp'), newStripeId('dp'), newStripeId('dp')];
    await deliverTwice(
      donation,
      disputeEvent('charge.dispute.created', {
        disputeId: lost,
        chargeId: charge(1),
        amount: 2500,
        status: 'needs_response',
      }),
      disputeEvent('charge.dispute.closed', {
        disputeId: lost,
        chargeId: charge(1),
        amount: 2500,
        status: 'lost',
      }),
      // The won dispute's close is delivered before its opening.
      disputeEvent('charge.dispute.closed', {
        disputeId: won,
        chargeId: charge(2),
        amount: 1000,
        status: 'won',
      }),
      disputeEvent('charge.dispute.created', {
        disputeId: won,
        chargeId: charge(2),
        amount: 1000,
        status: 'needs_response',
      }),
      disputeEvent('charge.dispute.created', {
        disputeId: open,
        chargeId: charge(3),
        amount: 500,
        status: 'needs_response',
      }),
    );
    // Refunded = the partial refund and the lost dispute, as the ledger counts them; the open dispute is held.
    const expected = {
      campaignId,
      currency: 'USD',
      gifts: 4,
      raised: 10_000,
      fees: 412,
      refunded: 3_200,
      disputed: 500,
      net: 6_388,
      refundsReversed: 0,
    };
    expect(await totals(campaignId)).toEqual({ status: 200, body: expected });
    await expectSummary(campaignId, { gifts: 4, raised: 10_000, fees: 412, refunded: 3_200, net: 6_388 });
    expect((await totals(campaignId)).body).toEqual(expected);
  });

  it('when the campaign is unknown here, then the answer is 404 naming it', async () => {
    const { status, body } = await totals(newId());
    expect(status).toBe(404);
    expect(body).toMatchObject({ code: 'campaign-not-found' });
  });

  it('when the campaign is a draft, then its totals answer 404 as an unknown campaign does, until it is published', async () => {
    const draft = campaignSnapshotFixture({ status: 'draft', publishedAt: null, revision: 1 });
    await publishCampaignEventsTwice([campaignEventFixture('created', draft)]);
    await eventually(async () =>
      expect(
        await donation.service.deps.db
          .collection<{ _id: string }>('campaigns')
          .findOne({ _id: draft.campaignId }),
      ).toMatchObject({ status: 'draft' }),
    );
    const response = await fetch(`${donation.url}/v1/campaigns/${draft.campaignId}/totals`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'campaign-not-found', field: 'campaignId' });
    await publishCampaignEventsTwice([
      campaignEventFixture('published', {
        ...draft,
        status: 'active',
        publishedAt: new Date().toISOString(),
        revision: 2,
      }),
    ]);
    await eventually(async () => expect((await totals(draft.campaignId)).status).toBe(200));
  });

  it('when a counted refund fails at the bank (reported twice, by both event types), then the money is back on the gift and in the totals, and a late copy of the older refund level changes nothing', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId, receiptCode } = await newGift(donation, { campaignId });
    await deliverTwice(donation, succeededWithFee(donationId, { amount: 2500, fee: 103, chargeId }));
    const level = chargeRefunded({ chargeId, donationId, amount: 2500, amountRefunded: 2500 });
    // Stripe created this event a minute before the refund failed.
    const before = { ...level, created: level.created - 60 };
    await deliverTwice(donation, before);
    expect((await totals(campaignId)).body).toMatchObject({ refunded: 2500, net: -103 });
    expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'refunded', refunded: 2500 });
    await expectSummary(campaignId, { gifts: 1, raised: 2500, fees: 103, refunded: 2500, net: -103 });

    const refund = {
      id: newStripeId('re'),
      object: 'refund',
      amount: 2500,
      charge: chargeId,
      payment_intent: 'pi_fixture',
      status: 'failed',
      metadata: { donationId },
    };
    await deliverTwice(
      donation,
      stripeEvent('charge.refund.updated', refund),
      stripeEvent('refund.updated', refund),
      before,
    );
    expect((await totals(campaignId)).body).toMatchObject({
      gifts: 1,
      raised: 2500,
      fees: 103,
      refunded: 0,
      refundsReversed: 2500,
      net: 2397,
    });
    expect((await view(donationId, receiptCode)).body).toMatchObject({ status: 'succeeded', refunded: 0 });
    // The ledger learns it from donation.refund-reversed, published once however often Stripe told us.
    await expectSummary(campaignId, { gifts: 1, raised: 2500, fees: 103, refunded: 0, net: 2397 });
    const { entries } = (await (
      await fetch(`${ledger.url}/v1/campaigns/${campaignId}/entries?from=0&limit=100`)
    ).json()) as { entries: { entry: Record<string, unknown> }[] };
    const reversals = entries.filter(({ entry }) => entry.kind === 'refund-reversed');
    expect(reversals.map(({ entry }) => entry)).toEqual([
      expect.objectContaining({ donationId, refundId: refund.id, amount: 2500, currency: 'USD' }),
    ]);
  });
});
