import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { paymentNoticeOf } from './payment-notice.ts';

const stripeEvent = (type: string, metadata: Record<string, string> = { donationId: 'd1' }) =>
  ({
    id: 'evt_1',
    object: 'event',
    created: 1_767_225_600,
    type,
    data: { object: { id: 'pi_1', object: 'payment_intent', amount: 2500, currency: 'usd', metadata } },
  }) as unknown as Stripe.Event;

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
      occurredAt: new Date('2026-01-01T00:00:00Z'),
      donationId: 'd1',
      paymentIntentId: 'pi_1',
    });
  });

  it.each(['payment_intent.created', 'charge.succeeded', 'customer.created'])('when the event is %s, then it is not acted on', (type) => {
    expect(paymentNoticeOf(stripeEvent(type))).toBeNull();
  });

  it('when the PaymentIntent carries no donation id, then the notice says so', () => {
    expect(paymentNoticeOf(stripeEvent('payment_intent.succeeded', {}))?.donationId).toBeUndefined();
  });
});
