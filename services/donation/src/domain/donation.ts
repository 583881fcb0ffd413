import { randomBytes } from 'node:crypto';
import type { CampaignStatus } from '@aid/contracts';
import { isDonorCurrency } from '@aid/money';
import type { Locale } from '@aid/i18n';
import {
  amountAboveMaximum,
  amountBelowMinimum,
  campaignNotActive,
  campaignNotFound,
  currencyMismatch,
} from './errors.ts';
import { minimumChargeAmount } from './minimum-amounts.ts';

/** `held`: the charge succeeded but its balance transaction cannot be counted in the campaign's currency (see settlement.ts). */
export const donationStatuses = ['pending', 'failed', 'succeeded', 'held', 'canceled', 'refunded'] as const;
export type DonationStatus = (typeof donationStatuses)[number];
export type DonationInterval = 'once' | 'month';
export type PaymentOutcome = 'succeeded' | 'failed' | 'canceled';

export interface DonorContact {
  email: string;
  name: string | null;
  /**
   * The gift's receipt code, sealed with the contact details so the receipt email can carry it, and erased with
   * them. The database otherwise keeps only its hash, and the public ledger never more than that.
   */
  receiptCode?: string;
}

export interface Donation {
  id: string;
  campaignId: string;
  organizationId: string;
  /** What the donor's card is charged (the presented amount), in minor units of `currency`, the donor's currency. */
  amount: number;
  currency: string;
  /** The campaign's currency, which the gift is settled, counted and published in. */
  settlementCurrency: string;
  /** Settled in `settlementCurrency`, from the charge's balance transaction; null until the gift succeeded. */
  settledAmount: number | null;
  /** Stripe's rate from the balance transaction (settlement units per presented unit); null when not converted. */
  exchangeRate: string | null;
  /** Why a succeeded charge is held instead of counted; null otherwise. */
  settlementHold: string | null;
  interval: DonationInterval;
  showName: boolean;
  /** Kept only with `geographyConsent`, to be counted; never published with the gift. */
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
  /** The donor's language for their receipts; private like the contact, never on the public record. */
  locale: Locale;
  /** The donor agreed to be counted in the campaign's donor geography (distinct donors per country, k ≥ 5). */
  geographyConsent: boolean;
  /** The donor's private key within the campaign (see donor-geography.ts): with consent only, null once erased. */
  donorKey: string | null;
  /** Null once the donor had their personal data erased, and on installments (their plan holds the contact). */
  donor: DonorContact | null;
  publicRef: string;
  receiptHash: string;
  status: DonationStatus;
  paymentIntentId: string | null;
  /** Fee and net are in the settlement currency. */
  fee: number | null;
  net: number | null;
  createdAt: Date;
  succeededAt: Date | null;
  stripeEventIds: string[];
  /** Guards every change of the document: a write decided from an older revision is refused. */
  revision: number;
  /** The card charge behind a succeeded gift; refunds and disputes name it. */
  chargeId: string | null;
  /** Money already refunded to the donor, as Stripe last reported it (the charge's `amount_refunded`), presented units. */
  refunded: number;
  /** What those refunds took off the balance, in the settlement currency, from their balance transactions. */
  settledRefunded: number;
  refunds: RefundRecord[];
  /** Refunds that failed or were canceled after Stripe counted them; their money came back to the gift. */
  refundFailures: RefundFailure[];
  disputes: DisputeRecord[];
  /** Sum of this gift's allocations to disbursements, learnt from the disbursement service's events. */
  allocated: number;
  allocationIds: string[];
  /** Monthly plans: the Stripe customer and subscription; installments point at their plan. */
  customerId: string | null;
  subscriptionId: string | null;
  subscriptionStatus: 'active' | 'canceled' | null;
  parentId: string | null;
  invoiceId: string | null;
  /** When the donor had their name and email erased; the gift and its public record stay. */
  erasedAt: Date | null;
}

export interface RefundRecord {
  refundId: string;
  amount: number;
  /**
   * `pending` from the moment Stripe accepted the request until `charge.refunded` reports the money moved;
   * `failed` when the bank refused it or it was canceled (the money stayed with the campaign).
   */
  status: 'pending' | 'settled' | 'failed';
  reason: string | null;
  requestedBy: string | null;
  at: Date;
}

export interface RefundFailure {
  refundId: string;
  amount: number;
  /** The failure event's time: a `charge.refunded` older than this reports a level from before the failure. */
  at: Date;
  /** Whether the amount had been counted as refunded and was therefore given back. */
  restored: boolean;
}

export interface DisputeRecord {
  disputeId: string;
  amount: number;
  status: 'open' | 'won' | 'lost';
  openedAt: Date;
  closedAt: Date | null;
}

/** What this service knows of a campaign, from the campaign service's events. */
export interface CampaignView {
  campaignId: string;
  organizationId: string;
  status: CampaignStatus;
  currency: string;
  revision: number;
}

export interface DonationRequest {
  campaignId: string;
  amount: number;
  currency: string;
}

/** Throws the first rule the request breaks, in the order a donor can fix them. */
export function checkDonationAllowed(
  request: DonationRequest,
  campaign: CampaignView | null,
  limits: { maxAmount: number },
): CampaignView {
  if (!campaign) throw campaignNotFound(request.campaignId);
  if (campaign.status !== 'active') throw campaignNotActive(campaign.campaignId, campaign.status);
  // A donor pays in their own currency and Stripe settles it into the campaign's; the campaign's own currency is
  // always taken, even when it is not one of the donor currencies.
  if (request.currency !== campaign.currency && !isDonorCurrency(request.currency))
    throw currencyMismatch(request.currency, campaign.currency);
  const minimum = minimumChargeAmount(request.currency);
  if (request.amount < minimum) throw amountBelowMinimum(minimum, request.currency);
  if (request.amount > limits.maxAmount) throw amountAboveMaximum(limits.maxAmount, request.currency);
  return campaign;
}

/** A random public reference: it names the gift on the public ledger without saying anything about the donor. */
export function newPublicRef(bytes: Uint8Array = randomBytes(12)): string {
  return `d_${Buffer.from(bytes).toString('hex')}`;
}

/**
 * Progress of a payment. `failed` is not final at Stripe (the donor may retry with another card on the same
 * PaymentIntent, which then succeeds), so it ranks below the final states; a notice can only move a donation
 * up, which makes late and out-of-order webhooks harmless.
 */
const progress: Record<DonationStatus, number> = {
  pending: 0,
  failed: 1,
  succeeded: 2,
  held: 2,
  canceled: 2,
  refunded: 3,
};

export function canMove(from: DonationStatus, to: DonationStatus): boolean {
  return progress[to] > progress[from];
}

export type SettledChange = {
  from: DonationStatus;
  to: 'succeeded';
  at: Date;
  /** Settlement currency: the amount that reached the balance, Stripe's fee, and what is left. */
  settledAmount: number;
  fee: number;
  net: number;
  exchangeRate: string | null;
  chargeId: string | null;
};
export type HeldChange = {
  from: DonationStatus;
  to: 'held';
  at: Date;
  reason: string;
  chargeId: string | null;
};
export type StatusChange =
  SettledChange | HeldChange | { from: DonationStatus; to: 'failed' | 'canceled'; at: Date };

/** What the charge's balance transaction settled (settlement.ts), or why it cannot be counted. */
export type ChargeSettlement =
  | { kind: 'settled'; amount: number; fee: number; exchangeRate: string | null }
  | { kind: 'held'; reason: string };

export type PaymentDecision =
  { kind: 'unchanged'; reason: string } | { kind: 'changed'; change: StatusChange };

export function decidePaymentOutcome(
  donation: Pick<Donation, 'status' | 'amount' | 'stripeEventIds'>,
  notice: {
    stripeEventId: string;
    outcome: PaymentOutcome;
    occurredAt: Date;
    settlement?: ChargeSettlement;
    chargeId?: string | null;
  },
): PaymentDecision {
  // The time is Stripe's, not ours: a webhook retried hours later still records when the payment happened, and
  // every delivery of one event decides exactly the same change.
  const at = notice.occurredAt;
  if (donation.stripeEventIds.includes(notice.stripeEventId))
    return { kind: 'unchanged', reason: 'event already processed' };
  if (!canMove(donation.status, notice.outcome)) {
    return { kind: 'unchanged', reason: `a ${donation.status} donation does not become ${notice.outcome}` };
  }
  if (notice.outcome !== 'succeeded')
    return { kind: 'changed', change: { from: donation.status, to: notice.outcome, at } };
  const chargeId = notice.chargeId ?? null;
  const settlement = notice.settlement ?? {
    kind: 'settled',
    amount: donation.amount,
    fee: 0,
    exchangeRate: null,
  };
  if (settlement.kind === 'held')
    return {
      kind: 'changed',
      change: { from: donation.status, to: 'held', at, reason: settlement.reason, chargeId },
    };
  // The figures were read from the charge's balance transaction before deciding; the fee can never exceed the
  // settled amount, so net is never negative.
  const fee = Math.min(Math.max(0, settlement.fee), settlement.amount);
  return {
    kind: 'changed',
    change: {
      from: donation.status,
      to: 'succeeded',
      at,
      settledAmount: settlement.amount,
      fee,
      net: settlement.amount - fee,
      exchangeRate: settlement.exchangeRate,
      chargeId,
    },
  };
}
