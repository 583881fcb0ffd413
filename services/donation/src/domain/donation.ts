import { randomBytes } from 'node:crypto';
import type { CampaignStatus } from '@aid/contracts';
import { isDonorCurrency } from '@aid/money';
import type { Locale } from '@aid/i18n';
import { amountAboveMaximum, amountBelowMinimum, campaignNotActive, campaignNotFound, currencyMismatch } from './errors.ts';
import { minimumChargeAmount } from './minimum-amounts.ts';

export const donationStatuses = ['pending', 'failed', 'succeeded', 'canceled', 'refunded'] as const;
export type DonationStatus = (typeof donationStatuses)[number];
export type DonationInterval = 'once' | 'month';
export type PaymentOutcome = 'succeeded' | 'failed' | 'canceled';

export interface DonorContact {
  email: string;
  name: string | null;
}

export interface Donation {
  id: string;
  campaignId: string;
  organizationId: string;
  amount: number;
  currency: string;
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
  fee: number | null;
  net: number | null;
  createdAt: Date;
  succeededAt: Date | null;
  stripeEventIds: string[];
  /** Guards every change of the document: a write decided from an older revision is refused. */
  revision: number;
  /** The card charge behind a succeeded gift; refunds and disputes name it. */
  chargeId: string | null;
  /** Money already refunded to the donor, as Stripe last reported it (the charge's `amount_refunded`). */
  refunded: number;
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
export function checkDonationAllowed(request: DonationRequest, campaign: CampaignView | null, limits: { maxAmount: number }): CampaignView {
  if (!campaign) throw campaignNotFound(request.campaignId);
  if (campaign.status !== 'active') throw campaignNotActive(campaign.campaignId, campaign.status);
  // A donor pays in their own currency and Stripe settles it into the campaign's; the campaign's own currency is
  // always taken, even when it is not one of the donor currencies.
  if (request.currency !== campaign.currency && !isDonorCurrency(request.currency)) throw currencyMismatch(request.currency, campaign.currency);
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
const progress: Record<DonationStatus, number> = { pending: 0, failed: 1, succeeded: 2, canceled: 2, refunded: 3 };

export function canMove(from: DonationStatus, to: DonationStatus): boolean {
  return progress[to] > progress[from];
}

export type SettledChange = { from: DonationStatus; to: 'succeeded'; at: Date; fee: number; net: number; chargeId: string | null };
export type StatusChange = SettledChange | { from: DonationStatus; to: 'failed' | 'canceled'; at: Date };

export type PaymentDecision = { kind: 'unchanged'; reason: string } | { kind: 'changed'; change: StatusChange };

export function decidePaymentOutcome(
  donation: Pick<Donation, 'status' | 'amount' | 'stripeEventIds'>,
  notice: { stripeEventId: string; outcome: PaymentOutcome; occurredAt: Date; fee?: number; chargeId?: string | null },
): PaymentDecision {
  // The time is Stripe's, not ours: a webhook retried hours later still records when the payment happened, and
  // every delivery of one event decides exactly the same change.
  const at = notice.occurredAt;
  if (donation.stripeEventIds.includes(notice.stripeEventId)) return { kind: 'unchanged', reason: 'event already processed' };
  if (!canMove(donation.status, notice.outcome)) {
    return { kind: 'unchanged', reason: `a ${donation.status} donation does not become ${notice.outcome}` };
  }
  if (notice.outcome !== 'succeeded') return { kind: 'changed', change: { from: donation.status, to: notice.outcome, at } };
  // The fee was read from the charge's balance transaction before deciding; it can never exceed the gift, so
  // net is never negative.
  const fee = Math.min(Math.max(0, notice.fee ?? 0), donation.amount);
  return { kind: 'changed', change: { from: donation.status, to: 'succeeded', at, fee, net: donation.amount - fee, chargeId: notice.chargeId ?? null } };
}
