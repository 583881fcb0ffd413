import type Stripe from 'stripe';
import { z } from 'zod';
import type { PaymentOutcome } from '../domain/donation.ts';
import type { ChargeRefundView, SettlementTransaction } from '../domain/settlement.ts';
import type { ChargeRef, PaymentNotice, StripeNotice } from '../domain/stripe-notice.ts';

const idOf = (value: string | { id: string } | null | undefined): string | undefined =>
  typeof value === 'string' ? value : value?.id;

/** A balance transaction in our terms; Stripe's `exchange_rate` is a JSON number, kept as its decimal text. */
export function settlementTransactionOf(
  transaction: Stripe.BalanceTransaction | string | null | undefined,
): SettlementTransaction | null {
  if (!transaction || typeof transaction === 'string') return null;
  return {
    amount: transaction.amount,
    currency: transaction.currency,
    fee: transaction.fee,
    exchangeRate: typeof transaction.exchange_rate === 'number' ? String(transaction.exchange_rate) : null,
  };
}

function balanceTransactionOf(charge: Stripe.Charge): SettlementTransaction | null {
  return settlementTransactionOf(charge.balance_transaction);
}

export function chargeRefundViewOf(refund: Stripe.Refund): ChargeRefundView {
  return {
    id: refund.id,
    amount: refund.amount,
    status: refund.status ?? 'pending',
    created: refund.created,
    balanceTransaction: settlementTransactionOf(refund.balance_transaction),
  };
}

function chargeRefOf(intent: Stripe.PaymentIntent): ChargeRef | null {
  const charge = intent.latest_charge;
  if (!charge) return null;
  if (typeof charge === 'string') return { id: charge, balanceTransaction: null, expanded: false };
  const balanceTransaction = balanceTransactionOf(charge);
  return { id: charge.id, balanceTransaction, expanded: balanceTransaction !== null };
}

function notice(event: Stripe.Event, intent: Stripe.PaymentIntent, outcome: PaymentOutcome): PaymentNotice {
  return {
    stripeEventId: event.id,
    stripeEventType: event.type,
    outcome,
    occurredAt: new Date(event.created * 1000),
    donationId: intent.metadata?.donationId,
    paymentIntentId: intent.id,
    latestCharge: outcome === 'succeeded' ? chargeRefOf(intent) : null,
  };
}

/** The payment notice in a Stripe event, or null for event types that are not PaymentIntent outcomes. */
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

function disputeNotice(event: Stripe.Event, dispute: Stripe.Dispute, closed: boolean): StripeNotice | null {
  const chargeId = idOf(dispute.charge);
  if (!chargeId) return null;
  return {
    kind: 'dispute',
    notice: {
      stripeEventId: event.id,
      disputeId: dispute.id,
      chargeId,
      paymentIntentId: idOf(dispute.payment_intent),
      amount: dispute.amount,
      stripeStatus: dispute.status,
      closed,
      occurredAt: new Date(event.created * 1000),
      withdrawn: withdrawnBy(dispute),
    },
  };
}

function withdrawnBy(dispute: Stripe.Dispute): { amount: number; currency: string } | null {
  const withdrawals = (dispute.balance_transactions ?? []).filter((transaction) => transaction.amount < 0);
  const currency = withdrawals[0]?.currency;
  if (!currency || withdrawals.some((transaction) => transaction.currency !== currency)) return null;
  return {
    amount: withdrawals.reduce((total, transaction) => total - transaction.amount, 0),
    currency: currency.toUpperCase(),
  };
}

/** Every Stripe event this service acts on, in our terms; null for the rest, which are acknowledged and ignored. */
export function stripeNoticeOf(event: Stripe.Event): StripeNotice | null {
  const payment = paymentNoticeOf(event);
  if (payment) return { kind: 'payment', notice: payment };
  const occurredAt = new Date(event.created * 1000);
  switch (event.type) {
    case 'charge.refunded': {
      const charge = event.data.object;
      return {
        kind: 'charge-refunded',
        notice: {
          stripeEventId: event.id,
          chargeId: charge.id,
          donationId: charge.metadata?.donationId,
          paymentIntentId: idOf(charge.payment_intent),
          amountRefunded: charge.amount_refunded,
          occurredAt,
          refunds: charge.refunds?.data ? charge.refunds.data.map(chargeRefundViewOf) : null,
        },
      };
    }
    case 'charge.dispute.created':
      return disputeNotice(event, event.data.object, false);
    case 'charge.dispute.closed':
      return disputeNotice(event, event.data.object, true);
    case 'invoice.paid': {
      const invoice = event.data.object;
      const details = invoice.parent?.subscription_details ?? null;
      return {
        kind: 'invoice-paid',
        notice: {
          stripeEventId: event.id,
          invoiceId: invoice.id ?? '',
          subscriptionId: idOf(details?.subscription),
          donationId: details?.metadata?.donationId,
          amountPaid: invoice.amount_paid,
          currency: invoice.currency.toUpperCase(),
          paidAt: new Date((invoice.status_transitions?.paid_at ?? event.created) * 1000),
        },
      };
    }
    case 'charge.refund.updated':
    case 'refund.updated': {
      const refund = event.data.object;
      // Only the end of a refund that never paid out matters; other updates (pending to succeeded) change nothing.
      if (refund.status !== 'failed' && refund.status !== 'canceled') return null;
      return {
        kind: 'refund-failed',
        notice: {
          stripeEventId: event.id,
          refundId: refund.id,
          chargeId: idOf(refund.charge),
          paymentIntentId: idOf(refund.payment_intent),
          donationId: refund.metadata?.donationId,
          amount: refund.amount,
          occurredAt,
          failureTransaction: settlementTransactionOf(refund.failure_balance_transaction),
          failureTransactionId: idOf(refund.failure_balance_transaction),
        },
      };
    }
    // Stripe ends a subscription itself after its retries of a failed payment, or when canceled in its dashboard.
    case 'customer.subscription.deleted': {
      const subscription = event.data.object;
      return {
        kind: 'subscription-ended',
        notice: {
          stripeEventId: event.id,
          subscriptionId: subscription.id,
          donationId: subscription.metadata?.donationId,
        },
      };
    }
    default:
      return null;
  }
}

const object = (shape: z.ZodRawShape) => z.looseObject(shape);
const id = z.string().min(1);
const amount = z.number().int();

/** What each event type this service acts on must carry for its notice to be read; other fields are optional. */
const objectShapes: Record<string, z.ZodType> = {
  'payment_intent.succeeded': object({ id }),
  'payment_intent.payment_failed': object({ id }),
  'payment_intent.canceled': object({ id }),
  'charge.refunded': object({ id, amount_refunded: amount }),
  'charge.dispute.created': object({ id, amount, status: z.string() }),
  'charge.dispute.closed': object({ id, amount, status: z.string() }),
  'invoice.paid': object({ amount_paid: amount, currency: z.string().min(3) }),
  'charge.refund.updated': object({ id, amount, status: z.string() }),
  'refund.updated': object({ id, amount, status: z.string() }),
  'customer.subscription.deleted': object({ id }),
};

const eventShape = z.looseObject({
  id,
  type: z.string().min(1),
  created: z.number().int(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/**
 * Why a signed event cannot be read, naming the first field that is missing or malformed (`data.object.currency`),
 * or null when it can. Signed does not mean well formed: a misconfigured sender or an API version change can
 * sign anything, and such an event must be refused with a reason, never crash the edge or the inbox.
 */
export function malformedEventReason(parsed: unknown): string | null {
  const envelope = eventShape.safeParse(parsed);
  const issue = envelope.success
    ? objectShapes[envelope.data.type]?.safeParse(envelope.data.data.object).error?.issues[0]
    : envelope.error.issues[0];
  if (!issue) return null;
  const path = (envelope.success ? ['data', 'object', ...issue.path] : issue.path).join('.');
  return `${path || '(event)'}: ${issue.code === 'invalid_type' && issue.message.includes('undefined') ? 'is missing' : issue.message}`;
}
