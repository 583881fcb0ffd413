import { topics } from '@aid/contracts';
import { outboxMessage } from '@aid/store';
import { decidePaymentOutcome } from '../domain/donation.ts';
import { donationSucceededEvent } from '../events/donation-succeeded.ts';
import type { PaymentNotice } from '../stripe/payment-notice.ts';
import type { DonationFlows } from './dependencies.ts';

export type OutcomeResult = 'applied' | 'unchanged' | 'unknown-donation';

// On MongoDB the guarded update is atomic, so across instances a lost race means another webhook moved the
// donation forward; states only move forward, so a few tries suffice.
const maxAttempts = 3;

async function attempt(flows: DonationFlows, notice: PaymentNotice & { donationId: string }): Promise<OutcomeResult | 'lost-race'> {
  const donation = await flows.donations.find(notice.donationId);
  if (!donation) {
    flows.logger.warn({ donationId: notice.donationId, stripeEventId: notice.stripeEventId }, 'payment notice for an unknown donation ignored');
    return 'unknown-donation';
  }
  const decision = decidePaymentOutcome(donation, notice);
  if (decision.kind === 'unchanged') {
    flows.logger.info({ donationId: donation.id, stripeEventId: notice.stripeEventId, reason: decision.reason }, 'payment notice changes nothing');
    return 'unchanged';
  }
  const { change } = decision;
  const messages = change.to === 'succeeded' ? [outboxMessage(topics.donation, donationSucceededEvent(donation, change))] : [];
  const written = await flows.donations.applyStatusChange({ donationId: donation.id, stripeEventId: notice.stripeEventId, change, messages });
  if (!written) return 'lost-race';
  if (messages.length > 0) flows.outboxQueued();
  return 'applied';
}

/**
 * Applies what a signed Stripe webhook says about a payment. A notice for an unknown donation is logged and
 * acknowledged: Stripe would otherwise retry it for days, and no retry can make the donation appear.
 */
export async function recordPaymentOutcome(flows: DonationFlows, notice: PaymentNotice): Promise<OutcomeResult> {
  const { donationId } = notice;
  if (!donationId) {
    flows.logger.warn({ stripeEventId: notice.stripeEventId, paymentIntentId: notice.paymentIntentId }, 'payment notice without a donation id ignored');
    return 'unknown-donation';
  }
  for (let tries = 1; tries <= maxAttempts; tries += 1) {
    const result = await flows.oneAtATime(donationId, () => attempt(flows, { ...notice, donationId }));
    if (result !== 'lost-race') return result;
  }
  // Answering 500 makes Stripe deliver the webhook again later, when the contention is over.
  throw new Error(`donation ${donationId} kept changing while applying Stripe event ${notice.stripeEventId}`);
}
