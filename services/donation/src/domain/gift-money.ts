import type { Donation, DisputeRecord, DonationStatus, RefundFailure, RefundRecord } from './donation.ts';
import {
  donationNotRefundable,
  refundAboveRemaining,
  refundAboveUnallocated,
  refundCurrencyMismatch,
} from './errors.ts';
import { settledShare } from './settlement.ts';

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export function pendingRefunds(donation: Pick<Donation, 'refunds'>): number {
  return sum(donation.refunds.filter((refund) => refund.status === 'pending').map((refund) => refund.amount));
}

/** Money a dispute holds now or has taken for good; a won dispute gives it back. */
export function disputedAmount(donation: Pick<Donation, 'disputes'>): number {
  return sum(
    donation.disputes.filter((dispute) => dispute.status !== 'won').map((dispute) => dispute.amount),
  );
}

type SettledView = Pick<Donation, 'amount' | 'currency' | 'settlementCurrency' | 'settledAmount'>;

/** A presented amount's settled share, for limits only (settlement.ts); the amount itself for same-currency gifts. */
function settledLimitOf(donation: SettledView, presented: number): number {
  if (donation.currency === donation.settlementCurrency) return presented;
  return settledShare({ amount: donation.amount, settledAmount: donation.settledAmount ?? 0 }, presented);
}

/**
 * The part of the gift's net that no disbursement uses and no refund or dispute claims: the most an
 * organization may give back on its own initiative, in the settlement currency. Pending refunds and disputes
 * are in presented units until Stripe settles them; they count here at their share of the settled gift.
 */
export function unallocatedNet(
  donation: Pick<Donation, 'net' | 'allocated' | 'settledRefunded' | 'refunds' | 'disputes'> & SettledView,
): number {
  const net = donation.net ?? 0;
  return Math.max(
    0,
    net -
      donation.allocated -
      donation.settledRefunded -
      settledLimitOf(donation, pendingRefunds(donation)) -
      settledLimitOf(donation, disputedAmount(donation)),
  );
}

/**
 * Refund policy for refunds an organization asks for (README "Refunds"): the donor gets back at most the gift's
 * unallocated net. Money already allocated paid for aid and cannot be un-spent, and Stripe keeps its processing
 * fee on refunds, so giving back more would take it from other donors' gifts. Without an amount the request
 * means "everything still refundable"; it is still refused if that exceeds the unallocated net, so the admin
 * sees the limit instead of a silently smaller refund. Refunds and disputes started by the bank or in Stripe's
 * dashboard cannot be refused: they are recorded as they come and the disbursement service reports any part
 * already allocated as a shortfall the organization owes back.
 */
export function decideRefundRequest(
  donation: Donation,
  requested: number | undefined,
  currency?: string,
): number {
  // `requested` and the answer are presented units (what Stripe's Refunds API takes); the limit is settled money.
  if (donation.status !== 'succeeded' || (!donation.chargeId && !donation.paymentIntentId))
    throw donationNotRefundable(donation.status);
  if (currency !== undefined && currency !== donation.currency)
    throw refundCurrencyMismatch(currency, donation.currency);
  const remaining = donation.amount - donation.refunded - pendingRefunds(donation) - disputedAmount(donation);
  const amount = requested ?? remaining;
  if (amount <= 0 || amount > remaining)
    throw refundAboveRemaining(Math.max(0, remaining), donation.currency);
  const limit = unallocatedNet(donation);
  if (donation.currency === donation.settlementCurrency) {
    if (amount > limit) throw refundAboveUnallocated(amount, limit, donation.currency);
    return amount;
  }
  if (settledLimitOf(donation, amount) > limit)
    throw refundAboveUnallocated(amount, largestPresentedWithin(donation, limit), donation.currency);
  return amount;
}

/** The largest presented amount whose settled share stays within `limit`. */
function largestPresentedWithin(donation: SettledView, limit: number): number {
  const settled = donation.settledAmount ?? 0;
  if (settled <= 0) return 0;
  let presented = Number((BigInt(limit) * BigInt(donation.amount)) / BigInt(settled));
  while (presented > 0 && settledLimitOf(donation, presented) > limit) presented -= 1;
  return presented;
}

export interface ChargeRefundNotice {
  stripeEventId: string;
  chargeId: string;
  /** The charge's cumulative `amount_refunded`: a repeated or late webhook reports a level already reached. */
  amountRefunded: number;
  occurredAt: Date;
}

export type ChargeRefundDecision =
  | { kind: 'unchanged'; reason: string }
  | {
      kind: 'changed';
      refundId: string;
      amount: number;
      refunded: number;
      status: DonationStatus;
      refunds: RefundRecord[];
    };

/**
 * A refund reported by Stripe. Only the increase of `amount_refunded` over what this gift already counts is new
 * money back, so redeliveries and older events (a lower level) change nothing, and two partial refunds
 * reported by one later event count once together. The refund's id is that level on this charge: each delivery
 * of one event decides the same id, which consumers deduplicate on. Pending requests are settled first in,
 * first out as far as the new level covers them.
 */
export function decideChargeRefunded(donation: Donation, notice: ChargeRefundNotice): ChargeRefundDecision {
  if (donation.stripeEventIds.includes(notice.stripeEventId))
    return { kind: 'unchanged', reason: 'event already processed' };
  if (donation.status !== 'succeeded')
    return { kind: 'unchanged', reason: `a ${donation.status} donation has no refundable charge` };
  // After a refund failed, Stripe lowers the charge's refunded amount: an event from before the failure reports
  // a level that includes the failed refund and must not count it again.
  if (donation.refundFailures.some((failure) => notice.occurredAt < failure.at))
    return { kind: 'unchanged', reason: 'reports a level from before a refund failed' };
  const level = Math.min(notice.amountRefunded, donation.amount);
  const amount = level - donation.refunded;
  if (amount <= 0)
    return { kind: 'unchanged', reason: `refunds up to ${notice.amountRefunded} are already counted` };
  let covered = amount;
  const refunds = donation.refunds.map((refund) => {
    if (refund.status !== 'pending' || refund.amount > covered) return refund;
    covered -= refund.amount;
    return { ...refund, status: 'settled' as const };
  });
  return {
    kind: 'changed',
    refundId: `${notice.chargeId}:refunded-to:${level}`,
    amount,
    refunded: level,
    status: level >= donation.amount ? 'refunded' : 'succeeded',
    refunds,
  };
}

export interface DisputeNotice {
  stripeEventId: string;
  disputeId: string;
  amount: number;
  /** Stripe's dispute status; on `charge.dispute.closed` it is `won`, `lost` or `warning_closed`. */
  stripeStatus: string;
  occurredAt: Date;
  closed: boolean;
}

export type DisputeDecision =
  | { kind: 'unchanged'; reason: string }
  | {
      kind: 'changed';
      disputes: DisputeRecord[];
      opened: DisputeRecord | null;
      closed: DisputeRecord | null;
    };

function outcomeOf(stripeStatus: string): 'won' | 'lost' | null {
  if (stripeStatus === 'lost') return 'lost';
  // An inquiry closed without becoming a chargeback never took the money.
  if (stripeStatus === 'won' || stripeStatus === 'warning_closed') return 'won';
  return null;
}

/**
 * Disputes move one way: unknown → open → won | lost. A `closed` notice for a dispute never seen opens and
 * closes it in one change, so consumers always see the hold before its outcome; an `opened` notice arriving
 * after the close changes nothing.
 */
export function decideDispute(donation: Donation, notice: DisputeNotice): DisputeDecision {
  if (donation.stripeEventIds.includes(notice.stripeEventId))
    return { kind: 'unchanged', reason: 'event already processed' };
  if (donation.status !== 'succeeded' && donation.status !== 'refunded')
    return { kind: 'unchanged', reason: `a ${donation.status} donation has no charge to dispute` };
  const known = donation.disputes.find((dispute) => dispute.disputeId === notice.disputeId);
  const amount = Math.min(notice.amount, donation.amount);
  if (!notice.closed) {
    if (known) return { kind: 'unchanged', reason: `dispute ${notice.disputeId} is already ${known.status}` };
    const opened: DisputeRecord = {
      disputeId: notice.disputeId,
      amount,
      status: 'open',
      openedAt: notice.occurredAt,
      closedAt: null,
    };
    return { kind: 'changed', disputes: [...donation.disputes, opened], opened, closed: null };
  }
  const outcome = outcomeOf(notice.stripeStatus);
  if (!outcome)
    return {
      kind: 'unchanged',
      reason: `a closed dispute with status ${notice.stripeStatus} is not understood`,
    };
  if (known && known.status !== 'open')
    return { kind: 'unchanged', reason: `dispute ${notice.disputeId} is already ${known.status}` };
  const opened: DisputeRecord | null = known
    ? null
    : { disputeId: notice.disputeId, amount, status: 'open', openedAt: notice.occurredAt, closedAt: null };
  const closed: DisputeRecord = {
    ...(known ?? (opened as DisputeRecord)),
    status: outcome,
    closedAt: notice.occurredAt,
  };
  const others = donation.disputes.filter((dispute) => dispute.disputeId !== notice.disputeId);
  return { kind: 'changed', disputes: [...others, closed], opened, closed };
}

export interface RefundFailedNotice {
  stripeEventId: string;
  refundId: string;
  amount: number;
  occurredAt: Date;
}

export type RefundFailedDecision =
  | { kind: 'unchanged'; reason: string }
  | {
      kind: 'changed';
      restored: number;
      refunded: number;
      status: DonationStatus;
      refunds: RefundRecord[];
      refundFailures: RefundFailure[];
    };

/**
 * A refund that failed at the bank or was canceled after Stripe accepted it: the money never left. If it was
 * already counted as refunded (the gift's level covers it), that amount is given back to the gift, and a fully
 * refunded gift is a succeeded one again; a refund requested here is marked failed, so it no longer counts as
 * pending. Each refund fails once; repeats change nothing.
 */
export function decideRefundFailed(donation: Donation, notice: RefundFailedNotice): RefundFailedDecision {
  if (donation.stripeEventIds.includes(notice.stripeEventId))
    return { kind: 'unchanged', reason: 'event already processed' };
  if (donation.refundFailures.some((failure) => failure.refundId === notice.refundId))
    return { kind: 'unchanged', reason: `refund ${notice.refundId} already failed` };
  if (donation.status !== 'succeeded' && donation.status !== 'refunded')
    return { kind: 'unchanged', reason: `a ${donation.status} donation has no refund to fail` };
  const amount = Math.min(notice.amount, donation.amount);
  const restored = donation.refunded >= amount ? amount : 0;
  const refunded = donation.refunded - restored;
  const refunds = donation.refunds.map((refund) =>
    refund.refundId === notice.refundId && refund.status !== 'failed'
      ? { ...refund, status: 'failed' as const }
      : refund,
  );
  return {
    kind: 'changed',
    restored,
    refunded,
    status: donation.status === 'refunded' && refunded < donation.amount ? 'succeeded' : donation.status,
    refunds,
    refundFailures: [
      ...donation.refundFailures,
      { refundId: notice.refundId, amount, at: notice.occurredAt, restored: restored > 0 },
    ],
  };
}
