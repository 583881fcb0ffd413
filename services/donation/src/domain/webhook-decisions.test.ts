import { describe, expect, it } from 'vitest';
import { donationBuilder } from '../test-support/donation-builder.ts';
import type { Donation } from './donation.ts';
import type { InvoicePaidNotice, PaymentNotice, RefundNotice } from './stripe-notice.ts';
import {
  decideDisputeNotice,
  decideInstallment,
  decidePayment,
  decideRefund,
  decideStripeNotice,
  decideSubscriptionEnded,
  installmentIdOf,
  type WebhookDecision,
} from './webhook-decisions.ts';

const at = new Date('2026-03-02T10:00:00Z');

const pendingGift = (overrides: Partial<Donation> = {}) =>
  donationBuilder({
    status: 'pending',
    settledAmount: null,
    fee: null,
    net: null,
    succeededAt: null,
    chargeId: null,
    revision: 0,
    ...overrides,
  });

const paid = (overrides: Partial<PaymentNotice> = {}): PaymentNotice => ({
  stripeEventId: 'evt_paid',
  stripeEventType: 'payment_intent.succeeded',
  outcome: 'succeeded',
  occurredAt: at,
  donationId: pendingGift().id,
  paymentIntentId: 'pi_1',
  latestCharge: { id: 'ch_1', balanceTransaction: null, expanded: false },
  ...overrides,
});

const refunded = (overrides: Partial<RefundNotice> = {}): RefundNotice => ({
  stripeEventId: 'evt_refund',
  chargeId: 'ch_1',
  donationId: undefined,
  paymentIntentId: 'pi_1',
  amountRefunded: 1000,
  occurredAt: at,
  refunds: null,
  ...overrides,
});

function done(decision: WebhookDecision) {
  if (decision.result !== 'done') throw new Error('expected a decision, got waiting');
  return decision;
}

describe('webhook decisions', () => {
  it('when a payment succeeds, then the gift records its settlement, announces it, counts it and owes a receipt', () => {
    const gift = pendingGift();
    const decision = done(
      decidePayment(gift, paid(), {
        charge: {
          chargeId: 'ch_1',
          transaction: { amount: 2500, currency: 'usd', fee: 103, exchangeRate: null },
        },
      }),
    );
    expect(decision.effect).toMatchObject({
      kind: 'update',
      set: {
        status: 'succeeded',
        settledAmount: 2500,
        fee: 103,
        net: 2397,
        chargeId: 'ch_1',
        succeededAt: at,
      },
    });
    expect(decision.effect?.announce).toEqual([expect.objectContaining({ kind: 'succeeded', about: gift })]);
    expect(decision.counted).toEqual([{ currency: 'USD', delta: { gifts: 1, raised: 2500, fees: 103 } }]);
    expect(decision.receiptOwed).toBe(true);
  });

  it('when the same payment event comes again, then nothing changes and nothing is counted', () => {
    const gift = pendingGift({ stripeEventIds: ['evt_paid'] });
    const decision = done(decidePayment(gift, paid(), {}));
    expect(decision).toMatchObject({ effect: null, counted: [], receiptOwed: false });
  });

  it("when a converted gift's charge settles in a currency the campaign does not keep, then it is held, never counted, and an operator is told", () => {
    const gift = pendingGift({ currency: 'EUR', settlementCurrency: 'USD' });
    const decision = done(
      decidePayment(gift, paid(), {
        charge: {
          chargeId: 'ch_1',
          transaction: { amount: 2000, currency: 'gbp', fee: 80, exchangeRate: '0.8' },
        },
      }),
    );
    expect(decision.effect).toMatchObject({ kind: 'update', set: { status: 'held' }, announce: [] });
    expect(decision.counted).toEqual([{ currency: 'EUR', delta: {}, held: true }]);
    expect(decision.receiptOwed).toBe(false);
    expect(decision.notes).toEqual([expect.objectContaining({ level: 'error' })]);
  });

  it('when a refund arrives before its payment succeeded, then it waits', () => {
    expect(decideRefund(pendingGift(), refunded(), {})).toEqual({ result: 'waiting' });
  });

  it('when a gift is refunded in part, then the refund is announced and counted in the settlement currency', () => {
    const gift = donationBuilder({ stripeEventIds: ['evt_paid'] });
    const decision = done(decideRefund(gift, refunded({ amountRefunded: 1000 }), {}));
    expect(decision.effect).toMatchObject({ kind: 'update', set: { refunded: 1000, settledRefunded: 1000 } });
    expect(decision.effect?.announce).toEqual([
      expect.objectContaining({
        kind: 'refunded',
        refund: expect.objectContaining({ amount: 1000, presented: 1000 }),
      }),
    ]);
    expect(decision.counted).toEqual([{ currency: 'USD', delta: { refunded: 1000 } }]);
  });

  it("when a converted gift is refunded, then it waits for the refund's balance transaction and counts what that took off", () => {
    const gift = donationBuilder({
      currency: 'EUR',
      settlementCurrency: 'USD',
      amount: 2000,
      settledAmount: 2160,
      exchangeRate: '1.08',
      fee: 90,
      net: 2070,
    });
    const refund = { id: 're_1', amount: 1000, status: 'succeeded', created: 1, balanceTransaction: null };
    expect(decideRefund(gift, refunded({ amountRefunded: 1000 }), { refunds: [refund] })).toEqual({
      result: 'waiting',
    });
    const decision = done(
      decideRefund(gift, refunded({ amountRefunded: 1000 }), {
        refunds: [
          {
            id: 're_1',
            amount: 1000,
            status: 'succeeded',
            created: 1,
            balanceTransaction: { amount: -1070, currency: 'usd', fee: 0, exchangeRate: '1.07' },
          },
        ],
      }),
    );
    expect(decision.effect).toMatchObject({ set: { refunded: 1000, settledRefunded: 1070 } });
    expect(decision.counted).toEqual([{ currency: 'USD', delta: { refunded: 1070 } }]);
  });

  it('when a dispute is opened and later lost, then the money is first disputed, then counted as refunded', () => {
    const gift = donationBuilder();
    const notice = {
      stripeEventId: 'evt_dispute',
      disputeId: 'dp_1',
      chargeId: 'ch_1',
      paymentIntentId: 'pi_1',
      amount: 2500,
      stripeStatus: 'needs_response',
      closed: false,
      occurredAt: at,
      withdrawn: null,
    };
    const opened = done(decideDisputeNotice(gift, notice));
    expect(opened.counted).toEqual([{ currency: 'USD', delta: { disputed: 2500 } }]);
    expect(opened.effect?.announce.map((announcement) => announcement.kind)).toEqual(['disputed']);
    if (opened.effect?.kind !== 'update') throw new Error('expected an update');
    const disputedGift = { ...gift, disputes: opened.effect.set.disputes ?? [] };
    const lost = done(
      decideDisputeNotice(disputedGift, {
        ...notice,
        stripeEventId: 'evt_lost',
        stripeStatus: 'lost',
        closed: true,
      }),
    );
    expect(lost.counted).toEqual([{ currency: 'USD', delta: { disputed: -2500, refunded: 2500 } }]);
    expect(lost.effect?.announce.map((announcement) => announcement.kind)).toEqual(['dispute-closed']);
  });

  describe('monthly plans', () => {
    const plan = donationBuilder({
      interval: 'month',
      subscriptionId: 'sub_1',
      subscriptionStatus: 'active',
      customerId: 'cus_1',
      paymentIntentId: null,
      showName: true,
    });
    const invoice: InvoicePaidNotice = {
      stripeEventId: 'evt_invoice',
      invoiceId: 'in_1',
      subscriptionId: 'sub_1',
      donationId: plan.id,
      amountPaid: 2500,
      currency: 'USD',
      paidAt: at,
    };

    it('when an invoice is paid, then a new installment is born succeeded, without the contact, and announced with the plan donor', () => {
      const decision = done(
        decideInstallment(plan, invoice, { installmentKnown: false }, () => 'd_installment'),
      );
      if (decision.effect?.kind !== 'insert') throw new Error('expected an insert');
      const installment = decision.effect.donation;
      expect(installment).toMatchObject({
        id: installmentIdOf(invoice),
        parentId: plan.id,
        invoiceId: 'in_1',
        donor: null,
        publicRef: 'd_installment',
        status: 'succeeded',
        stripeEventIds: ['evt_invoice'],
        receiptHash: plan.receiptHash,
        campaignId: plan.campaignId,
      });
      expect(decision.effect.announce).toEqual([
        expect.objectContaining({ kind: 'succeeded', about: expect.objectContaining({ donor: plan.donor }) }),
      ]);
      expect(decision.counted).toEqual([{ currency: 'USD', delta: { gifts: 1, raised: 2500, fees: 0 } }]);
      expect(decision.receiptOwed).toBe(true);
    });

    it('when the same invoice is paid again, then its installment already exists and nothing is decided', () => {
      expect(done(decideInstallment(plan, invoice, { installmentKnown: true }))).toMatchObject({
        effect: null,
        counted: [],
      });
      expect(installmentIdOf(invoice)).toBe(installmentIdOf({ ...invoice, stripeEventId: 'evt_again' }));
    });

    it('when an invoice is paid in another currency than the plan, then it is ignored with a warning', () => {
      const decision = done(decideInstallment(plan, { ...invoice, currency: 'EUR' }, {}));
      expect(decision.effect).toBeNull();
      expect(decision.notes).toEqual([expect.objectContaining({ level: 'warn' })]);
    });

    it('when the subscription ends, then the plan is canceled once', () => {
      expect(done(decideSubscriptionEnded(plan)).effect).toMatchObject({
        set: { subscriptionStatus: 'canceled' },
      });
      expect(done(decideSubscriptionEnded({ ...plan, subscriptionStatus: 'canceled' })).effect).toBeNull();
    });
  });

  it('dispatches each notice kind to its rule', () => {
    const gift = pendingGift();
    expect(decideStripeNotice(gift, { kind: 'charge-refunded', notice: refunded() }, {})).toEqual({
      result: 'waiting',
    });
    expect(
      done(decideStripeNotice(gift, { kind: 'payment', notice: paid({ outcome: 'failed' }) }, {})).effect,
    ).toMatchObject({
      set: { status: 'failed' },
    });
  });
});
