import { randomBytes } from 'node:crypto';

/** Stripe webhook payloads as Stripe sends them, for tests and the benchmark. */
export const newStripeId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export function stripeEvent(type: string, object: Record<string, unknown>, id = newStripeId('evt')) {
  return {
    id,
    object: 'event',
    api_version: '2025-10-29.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

/** payment_intent.succeeded carrying its charge expanded with a balance transaction that matches the gift. */
export function succeededWithFee(
  donationId: string,
  args: { amount: number; fee: number; chargeId: string },
) {
  return stripeEvent('payment_intent.succeeded', {
    id: 'pi_fixture',
    object: 'payment_intent',
    amount: args.amount,
    currency: 'usd',
    metadata: { donationId },
    latest_charge: {
      id: args.chargeId,
      object: 'charge',
      balance_transaction: {
        id: newStripeId('txn'),
        object: 'balance_transaction',
        amount: args.amount,
        currency: 'usd',
        fee: args.fee,
      },
    },
  });
}

export function chargeRefunded(args: {
  chargeId: string;
  donationId?: string;
  amount: number;
  amountRefunded: number;
}) {
  return stripeEvent('charge.refunded', {
    id: args.chargeId,
    object: 'charge',
    amount: args.amount,
    amount_refunded: args.amountRefunded,
    currency: 'usd',
    payment_intent: 'pi_fixture',
    metadata: args.donationId ? { donationId: args.donationId } : {},
  });
}

export function disputeEvent(
  type: 'charge.dispute.created' | 'charge.dispute.closed',
  args: { disputeId: string; chargeId: string; amount: number; status: string },
) {
  return stripeEvent(type, {
    id: args.disputeId,
    object: 'dispute',
    amount: args.amount,
    currency: 'usd',
    charge: args.chargeId,
    payment_intent: 'pi_fixture',
    status: args.status,
  });
}

export function invoicePaid(args: {
  invoiceId: string;
  subscriptionId: string;
  donationId: string;
  amount: number;
  paidAt: number;
}) {
  return stripeEvent('invoice.paid', {
    id: args.invoiceId,
    object: 'invoice',
    amount_paid: args.amount,
    currency: 'usd',
    status: 'paid',
    status_transitions: { paid_at: args.paidAt },
    parent: {
      type: 'subscription_details',
      subscription_details: { subscription: args.subscriptionId, metadata: { donationId: args.donationId } },
    },
  });
}

/**
 * The body of Stripe's `payment_intent.succeeded` for a donation, as Stripe sends it. With a `fee`, the charge
 * comes expanded with its balance transaction (as the donation service asks Stripe to send it), so the service
 * records the real fee without calling Stripe back; without one, the event names no charge and the fee is 0.
 */
export function paymentSucceededPayload(donation: {
  donationId: string;
  amount: number;
  currency: string;
  fee?: number;
}): string {
  const currency = donation.currency.toLowerCase();
  const charge =
    donation.fee === undefined
      ? {}
      : {
          latest_charge: {
            id: newStripeId('ch'),
            object: 'charge',
            balance_transaction: {
              id: newStripeId('txn'),
              object: 'balance_transaction',
              amount: donation.amount,
              currency,
              fee: donation.fee,
            },
          },
        };
  return JSON.stringify({
    id: newStripeId('evt'),
    object: 'event',
    api_version: '2025-09-30.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: 'payment_intent.succeeded',
    data: {
      object: {
        id: newStripeId('pi'),
        object: 'payment_intent',
        amount: donation.amount,
        amount_received: donation.amount,
        currency,
        status: 'succeeded',
        metadata: { donationId: donation.donationId },
        ...charge,
      },
    },
  });
}
