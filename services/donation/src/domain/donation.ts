import { randomBytes } from 'node:crypto';
import type { CampaignStatus } from '@aid/contracts';
import { amountAboveMaximum, amountBelowMinimum, campaignNotActive, campaignNotFound, currencyMismatch } from './errors.ts';
import { minimumChargeAmount } from './minimum-amounts.ts';

export const donationStatuses = ['pending', 'failed', 'succeeded', 'canceled'] as const;
export type DonationStatus = (typeof donationStatuses)[number];
export type DonationInterval = 'once' | 'month';
export type PaymentOutcome = Exclude<DonationStatus, 'pending'>;

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
  countryOfResidence: string | null;
  countryOfHeritage: string | null;
  donor: DonorContact;
  publicRef: string;
  receiptHash: string;
  status: DonationStatus;
  paymentIntentId: string | null;
  fee: number | null;
  net: number | null;
  createdAt: Date;
  succeededAt: Date | null;
  stripeEventIds: string[];
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
  if (request.currency !== campaign.currency) throw currencyMismatch(request.currency, campaign.currency);
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
const progress: Record<DonationStatus, number> = { pending: 0, failed: 1, succeeded: 2, canceled: 2 };

export function canMove(from: DonationStatus, to: DonationStatus): boolean {
  return progress[to] > progress[from];
}

export type SettledChange = { from: DonationStatus; to: 'succeeded'; at: Date; fee: number; net: number };
export type StatusChange = SettledChange | { from: DonationStatus; to: 'failed' | 'canceled'; at: Date };

export type PaymentDecision = { kind: 'unchanged'; reason: string } | { kind: 'changed'; change: StatusChange };

export function decidePaymentOutcome(
  donation: Pick<Donation, 'status' | 'amount' | 'stripeEventIds'>,
  notice: { stripeEventId: string; outcome: PaymentOutcome; occurredAt: Date },
): PaymentDecision {
  // The time is Stripe's, not ours: a webhook retried hours later still records when the payment happened, and
  // every delivery of one event decides exactly the same change.
  const at = notice.occurredAt;
  if (donation.stripeEventIds.includes(notice.stripeEventId)) return { kind: 'unchanged', reason: 'event already processed' };
  if (!canMove(donation.status, notice.outcome)) {
    return { kind: 'unchanged', reason: `a ${donation.status} donation does not become ${notice.outcome}` };
  }
  if (notice.outcome !== 'succeeded') return { kind: 'changed', change: { from: donation.status, to: notice.outcome, at } };
  // The processor fee comes from the charge's balance transaction, which a later change reads; until then the
  // whole amount counts as net, so net raised = gifts - fees holds with fees of zero.
  return { kind: 'changed', change: { from: donation.status, to: 'succeeded', at, fee: 0, net: donation.amount } };
}
