import type Stripe from 'stripe';
import type { PaymentOutcome } from '../domain/donation.ts';

/** What a Stripe event says about one donation's payment, in our terms. */
export interface PaymentNotice {
  stripeEventId: string;
  stripeEventType: string;
  outcome: PaymentOutcome;
  /** When Stripe created the event, i.e. when the payment changed. */
  occurredAt: Date;
  donationId: string | undefined;
  paymentIntentId: string;
}

function notice(event: Stripe.Event, intent: Stripe.PaymentIntent, outcome: PaymentOutcome): PaymentNotice {
  return {
    stripeEventId: event.id,
    stripeEventType: event.type,
    outcome,
    occurredAt: new Date(event.created * 1000),
    donationId: intent.metadata?.donationId,
    paymentIntentId: intent.id,
  };
}

/** The payment notice in a Stripe event, or null for event types this service does not act on. */
export function paymentNoticeOf(event: Stripe.Event): PaymentNotice | null {
  switch (event.type) {
    case 'payment_intent.succeeded':
      return notice(event, event.data.object, 'succeeded');
    case 'payment_intent.payment_failed':
      return notice(event, event.data.object, 'failed');
    case 'payment_intent.canceled':
      return notice(event, event.data.object, 'canceled');
    default:
      return null;
  }
}
