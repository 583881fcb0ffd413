import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { paymentNoticeOf, stripeNoticeOf } from './payment-notice.ts';

const event = (type: string, object: Record<string, unknown>) =>
  ({
    id: 'evt_1',
    object: 'event',
    created: 1_767_225_600,
    type,
    data: { object },
  }) as unknown as Stripe.Event;

const intent = (overrides: Record<string, unknown> = {}) => ({
  id: 'pi_1',
  object: 'payment_intent',
  amount: 2500,
  currency: 'usd',
  metadata: { donationId: 'd1' },
  ...overrides,
});
const stripeEvent = (type: string, metadata: Record<string, string> = { donationId: 'd1' }) =>
  event(type, intent({ metadata }));
const occurredAt = new Date('2026-01-01T00:00:00Z');

describe('paymentNoticeOf', () => {
  it.each([
    ['payment_intent.succeeded', 'succeeded'],
    ['payment_intent.payment_failed', 'failed'],
    ['payment_intent.canceled', 'canceled'],
  ])('when the event is %s, then the outcome is %s for the donation in the metadata', (type, outcome) => {
    expect(paymentNoticeOf(stripeEvent(type))).toEqual({
      stripeEventId: 'evt_1',
      stripeEventType: type,
      outcome,
      occurredAt,
      donationId: 'd1',
      paymentIntentId: 'pi_1',
      latestCharge: null,
    });
  });

  it.each(['payment_intent.created', 'charge.succeeded', 'customer.created'])(
    'when the event is %s, then it is not acted on',
    (type) => {
      expect(paymentNoticeOf(stripeEvent(type))).toBeNull();
      expect(stripeNoticeOf(stripeEvent(type))).toBeNull();
    },
  );

  it('when the PaymentIntent carries no donation id, then the notice says so', () => {
    expect(paymentNoticeOf(stripeEvent('payment_intent.succeeded', {}))?.donationId).toBeUndefined();
  });

  it('when the succeeded intent names its charge by id, then the fee is to be retrieved; when expanded, it is read from the event', () => {
    expect(
      paymentNoticeOf(event('payment_intent.succeeded', intent({ latest_charge: 'ch_1' })))?.latestCharge,
    ).toEqual({ id: 'ch_1', balanceTransaction: null, expanded: false });
    const expanded = intent({
      latest_charge: { id: 'ch_2', balance_transaction: { amount: 2500, currency: 'usd', fee: 103 } },
    });
    expect(paymentNoticeOf(event('payment_intent.succeeded', expanded))?.latestCharge).toEqual({
      id: 'ch_2',
      balanceTransaction: { amount: 2500, currency: 'usd', fee: 103, exchangeRate: null },
      expanded: true,
    });
  });

  it('when the expanded balance transaction converted the charge, then Stripe’s exchange_rate is kept as its decimal text', () => {
    const expanded = intent({
      currency: 'eur',
      amount: 2500,
      latest_charge: {
        id: 'ch_3',
        balance_transaction: {
          id: 'txn_1',
          object: 'balance_transaction',
          amount: 2705,
          currency: 'usd',
          fee: 132,
          exchange_rate: 1.0821,
        },
      },
    });
    expect(
      paymentNoticeOf(event('payment_intent.succeeded', expanded))?.latestCharge?.balanceTransaction,
    ).toEqual({ amount: 2705, currency: 'usd', fee: 132, exchangeRate: '1.0821' });
  });
});

describe('stripeNoticeOf', () => {
  it('when a charge is refunded, then the notice carries the cumulative refunded amount and the charge', () => {
    const charge = {
      id: 'ch_1',
      object: 'charge',
      amount: 2500,
      amount_refunded: 1000,
      metadata: { donationId: 'd1' },
      payment_intent: 'pi_1',
    };
    expect(stripeNoticeOf(event('charge.refunded', charge))).toEqual({
      kind: 'charge-refunded',
      notice: {
        stripeEventId: 'evt_1',
        chargeId: 'ch_1',
        donationId: 'd1',
        paymentIntentId: 'pi_1',
        amountRefunded: 1000,
        occurredAt,
        refunds: null,
      },
    });
  });

  it('when a refunded charge carries its refunds with their balance transactions, then each refund’s settled amount is read from them', () => {
    const refund = {
      id: 're_1',
      object: 'refund',
      amount: 1000,
      status: 'succeeded',
      created: 1767139200,
      balance_transaction: {
        id: 'txn_r1',
        object: 'balance_transaction',
        amount: -1076,
        currency: 'usd',
        fee: 0,
        exchange_rate: 1.0764,
      },
    };
    const charge = {
      id: 'ch_1',
      object: 'charge',
      amount: 2500,
      amount_refunded: 1000,
      metadata: { donationId: 'd1' },
      payment_intent: 'pi_1',
      refunds: { object: 'list', data: [refund], has_more: false },
    };
    const notice = stripeNoticeOf(event('charge.refunded', charge));
    expect(notice?.kind === 'charge-refunded' && notice.notice.refunds).toEqual([
      {
        id: 're_1',
        amount: 1000,
        status: 'succeeded',
        created: 1767139200,
        balanceTransaction: { amount: -1076, currency: 'usd', fee: 0, exchangeRate: '1.0764' },
      },
    ]);
  });

  it.each([
    ['charge.dispute.created', false],
    ['charge.dispute.closed', true],
  ])('when %s arrives, then the dispute is tied to its charge (closed: %s)', (type, closed) => {
    const dispute = {
      id: 'dp_1',
      object: 'dispute',
      amount: 2500,
      charge: 'ch_1',
      payment_intent: 'pi_1',
      status: closed ? 'lost' : 'needs_response',
    };
    expect(stripeNoticeOf(event(type, dispute))).toEqual({
      kind: 'dispute',
      notice: {
        stripeEventId: 'evt_1',
        disputeId: 'dp_1',
        chargeId: 'ch_1',
        paymentIntentId: 'pi_1',
        amount: 2500,
        stripeStatus: dispute.status,
        closed,
        occurredAt,
        withdrawn: null,
      },
    });
  });

  it('when a dispute of a EUR charge carries its balance transactions, then what it withdrew in USD is read from them, the dispute fee apart', () => {
    // Stripe's dispute object lists its balance transactions in full: the withdrawal of the disputed amount (fee = dispute fee).
    const withdrawal = {
      id: 'txn_d1',
      object: 'balance_transaction',
      amount: -2712,
      currency: 'usd',
      fee: 1500,
      exchange_rate: 1.0848,
      reporting_category: 'dispute',
      type: 'adjustment',
    };
    const dispute = {
      id: 'dp_2',
      object: 'dispute',
      amount: 2500,
      currency: 'eur',
      charge: 'ch_2',
      status: 'needs_response',
      balance_transactions: [withdrawal],
    };
    const notice = stripeNoticeOf(event('charge.dispute.created', dispute));
    expect(notice?.kind === 'dispute' && notice.notice.withdrawn).toEqual({ amount: 2712, currency: 'USD' });
  });

  it('when an invoice is paid, then the notice names the subscription, the plan in its metadata and the payment time', () => {
    const invoice = {
      id: 'in_1',
      object: 'invoice',
      amount_paid: 2500,
      currency: 'usd',
      status_transitions: { paid_at: 1_767_225_660 },
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: 'sub_1', metadata: { donationId: 'd1' } },
      },
    };
    expect(stripeNoticeOf(event('invoice.paid', invoice))).toEqual({
      kind: 'invoice-paid',
      notice: {
        stripeEventId: 'evt_1',
        invoiceId: 'in_1',
        subscriptionId: 'sub_1',
        donationId: 'd1',
        amountPaid: 2500,
        currency: 'USD',
        paidAt: new Date('2026-01-01T00:01:00Z'),
      },
    });
  });

  it('when Stripe ends a subscription, then the notice names it and the plan in its metadata', () => {
    expect(
      stripeNoticeOf(
        event('customer.subscription.deleted', {
          id: 'sub_1',
          object: 'subscription',
          status: 'canceled',
          metadata: { donationId: 'd1' },
        }),
      ),
    ).toEqual({
      kind: 'subscription-ended',
      notice: { stripeEventId: 'evt_1', subscriptionId: 'sub_1', donationId: 'd1' },
    });
  });
});

describe('failed refunds', () => {
  const refund = (status: string) => ({
    id: 're_1',
    object: 'refund',
    amount: 700,
    charge: 'ch_1',
    payment_intent: 'pi_1',
    status,
    metadata: { donationId: 'd1' },
  });

  it.each(['charge.refund.updated', 'refund.updated'])(
    'when %s reports a failed or canceled refund, then it is a refund-failed notice',
    (type) => {
      for (const status of ['failed', 'canceled']) {
        expect(stripeNoticeOf(event(type, refund(status)))).toEqual({
          kind: 'refund-failed',
          notice: {
            stripeEventId: 'evt_1',
            refundId: 're_1',
            chargeId: 'ch_1',
            paymentIntentId: 'pi_1',
            donationId: 'd1',
            amount: 700,
            occurredAt,
            failureTransaction: null,
            failureTransactionId: undefined,
          },
        });
      }
    },
  );

  it('when a refund update is anything else (pending, succeeded), then it is ignored', () => {
    expect(stripeNoticeOf(event('refund.updated', refund('succeeded')))).toBeNull();
    expect(stripeNoticeOf(event('charge.refund.updated', refund('pending')))).toBeNull();
  });
});
