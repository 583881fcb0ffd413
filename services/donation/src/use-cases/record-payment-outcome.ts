import { topics } from '@aid/contracts';
import { outboxMessage } from '@aid/store';
import { canMove, decidePaymentOutcome, type Donation } from '../domain/donation.ts';
import { feeFromBalanceTransaction } from '../domain/gift-money.ts';
import { donationSucceededEvent } from '../events/donation-events.ts';
import type { PaymentNotice } from '../stripe/payment-notice.ts';
import { changeDonation, lostRace } from './change-donation.ts';
import type { DonationFlows } from './dependencies.ts';
import { sendReceipt } from './send-receipt.ts';

export type OutcomeResult = 'applied' | 'unchanged' | 'unknown-donation';

/**
 * The processor fee of a succeeded payment, from its charge's balance transaction: the one the event carries
 * expanded when present, else Stripe's answer for the charge. Stripe failing here fails the webhook, which
 * Stripe retries; recording a gift with an invented fee would be worse than recording it later.
 */
async function feeOf(flows: DonationFlows, donation: Donation, notice: PaymentNotice): Promise<number> {
  const charge = notice.latestCharge;
  if (!charge) return 0;
  const transaction = charge.expanded ? charge.balanceTransaction : await flows.payments.balanceTransactionOf(charge.id);
  const { fee, trusted } = feeFromBalanceTransaction(donation, transaction);
  if (!trusted) {
    flows.logger.warn(
      { donationId: donation.id, chargeId: charge.id, transaction },
      'the balance transaction does not describe this gift (stripe-mock answers fixtures); the fee is recorded as 0',
    );
  }
  return fee;
}

async function attempt(flows: DonationFlows, notice: PaymentNotice & { donationId: string }): Promise<OutcomeResult | typeof lostRace> {
  const donation = await flows.donations.find(notice.donationId);
  if (!donation) {
    flows.logger.warn({ donationId: notice.donationId, stripeEventId: notice.stripeEventId }, 'payment notice for an unknown donation ignored');
    return 'unknown-donation';
  }
  const fee = notice.outcome === 'succeeded' && canMove(donation.status, 'succeeded') ? await feeOf(flows, donation, notice) : 0;
  const decision = decidePaymentOutcome(donation, { ...notice, fee, chargeId: notice.latestCharge?.id ?? null });
  if (decision.kind === 'unchanged') {
    flows.logger.info({ donationId: donation.id, stripeEventId: notice.stripeEventId, reason: decision.reason }, 'payment notice changes nothing');
    return 'unchanged';
  }
  const { change } = decision;
  const messages = change.to === 'succeeded' ? [outboxMessage(topics.donation, donationSucceededEvent(donation, change))] : [];
  const written = await flows.donations.applyStatusChange({ donationId: donation.id, revision: donation.revision, stripeEventId: notice.stripeEventId, change, messages });
  if (!written) return lostRace;
  if (messages.length > 0) flows.outboxQueued();
  if (change.to === 'succeeded') sendReceipt(flows, donation, donation.donor, change.at);
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
  return changeDonation(flows, donationId, () => attempt(flows, { ...notice, donationId }));
}
