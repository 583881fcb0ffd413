import type { PaymentOutcome } from './donation.ts';
import type { ChargeRefundView, SettlementTransaction } from './settlement.ts';

/*
 * What a Stripe event says about one donation, in the domain's terms: the Stripe adapter (stripe/payment-notice.ts)
 * reads events into these, and the webhook decisions (webhook-decisions.ts) decide from them.
 */

/** The charge behind a succeeded PaymentIntent, as far as the event tells. */
export interface ChargeRef {
  id: string;
  /** Present when the event carried the charge expanded with its balance transaction; else it is retrieved. */
  balanceTransaction: SettlementTransaction | null;
  expanded: boolean;
}

/** What a Stripe event says about one donation's payment, in our terms. */
export interface PaymentNotice {
  stripeEventId: string;
  stripeEventType: string;
  outcome: PaymentOutcome;
  /** When Stripe created the event, i.e. when the payment changed. */
  occurredAt: Date;
  donationId: string | undefined;
  paymentIntentId: string;
  latestCharge: ChargeRef | null;
}

export interface RefundNotice {
  stripeEventId: string;
  chargeId: string;
  donationId: string | undefined;
  paymentIntentId: string | undefined;
  amountRefunded: number;
  occurredAt: Date;
  /** The charge's refunds when the event carries them with their balance transactions expanded, else null. */
  refunds: ChargeRefundView[] | null;
}

export interface DisputeNoticeOf {
  stripeEventId: string;
  disputeId: string;
  chargeId: string;
  paymentIntentId: string | undefined;
  amount: number;
  stripeStatus: string;
  closed: boolean;
  occurredAt: Date;
  /**
   * What the dispute took off the balance, from the balance transactions Stripe always includes on a dispute
   * (their negative amounts, in the settlement currency; the dispute fee is apart, in `fee`); null without any.
   */
  withdrawn: { amount: number; currency: string } | null;
}

export interface InvoicePaidNotice {
  stripeEventId: string;
  invoiceId: string;
  subscriptionId: string | undefined;
  donationId: string | undefined;
  amountPaid: number;
  currency: string;
  paidAt: Date;
}

/** A refund that failed at the bank or was canceled (`charge.refund.updated` / `refund.updated`). */
export interface RefundFailedNoticeOf {
  stripeEventId: string;
  refundId: string;
  chargeId: string | undefined;
  paymentIntentId: string | undefined;
  donationId: string | undefined;
  amount: number;
  occurredAt: Date;
  /** The `refund_failure` balance transaction that put the money back, when the event carries it expanded. */
  failureTransaction: SettlementTransaction | null;
  /** Its id, to ask Stripe for it otherwise; absent on a canceled refund, which never left. */
  failureTransactionId: string | undefined;
}

export interface SubscriptionEndedNotice {
  stripeEventId: string;
  subscriptionId: string;
  donationId: string | undefined;
}

export type StripeNotice =
  | { kind: 'payment'; notice: PaymentNotice }
  | { kind: 'charge-refunded'; notice: RefundNotice }
  | { kind: 'dispute'; notice: DisputeNoticeOf }
  | { kind: 'invoice-paid'; notice: InvoicePaidNotice }
  | { kind: 'refund-failed'; notice: RefundFailedNoticeOf }
  | { kind: 'subscription-ended'; notice: SubscriptionEndedNotice };
