import { topics } from '@aid/contracts';
import { outboxMessage } from '@aid/store';
import { decideChargeRefunded } from '../domain/gift-money.ts';
import { donationRefundedEvent } from '../events/donation-events.ts';
import type { RefundNotice } from '../stripe/payment-notice.ts';
import { changeDonation, lostRace } from './change-donation.ts';
import type { DonationFlows } from './dependencies.ts';
import type { OutcomeResult } from './record-payment-outcome.ts';

/**
 * Finds the gift a charge paid for: by the charge id recorded when the payment succeeded, else by the
 * donation id Stripe copied into the charge's metadata.
 */
export async function giftOfCharge(flows: DonationFlows, charge: { chargeId: string; donationId: string | undefined; paymentIntentId: string | undefined }) {
  return (
    (await flows.donations.findByChargeId(charge.chargeId)) ??
    (charge.donationId ? await flows.donations.find(charge.donationId) : null) ??
    (charge.paymentIntentId ? await flows.donations.findByPaymentIntentId(charge.paymentIntentId) : null)
  );
}

/**
 * Stripe does not order its events: a refund or dispute may be delivered before the payment's success. Failing
 * the webhook makes Stripe deliver it again later (with backoff, for days), by when the gift has its charge.
 */
export function failUntilSettled(donation: { id: string; status: string }, stripeEventId: string): void {
  if (donation.status === 'pending' || donation.status === 'failed') {
    throw new Error(`Stripe event ${stripeEventId} for donation ${donation.id} arrived before its payment succeeded; it will be delivered again`);
  }
}

/**
 * A refund Stripe reports, whoever started it (an organization admin here, or someone in Stripe's dashboard, or
 * the bank): it cannot be refused, only recorded and announced, once per increase of the refunded amount.
 */
export async function recordChargeRefund(flows: DonationFlows, notice: RefundNotice): Promise<OutcomeResult> {
  const found = await giftOfCharge(flows, notice);
  if (!found) {
    flows.logger.warn({ chargeId: notice.chargeId, stripeEventId: notice.stripeEventId }, 'refund of a charge no donation knows; ignored');
    return 'unknown-donation';
  }
  return changeDonation(flows, found.id, async () => {
    const donation = await flows.donations.find(found.id);
    if (!donation) return 'unknown-donation' as const;
    failUntilSettled(donation, notice.stripeEventId);
    const decision = decideChargeRefunded(donation, notice);
    if (decision.kind === 'unchanged') {
      flows.logger.info({ donationId: donation.id, stripeEventId: notice.stripeEventId, reason: decision.reason }, 'refund notice changes nothing');
      return 'unchanged' as const;
    }
    const event = donationRefundedEvent(donation, { refundId: decision.refundId, amount: decision.amount, at: notice.occurredAt });
    const written = await flows.donations.applyChange({
      donationId: donation.id,
      revision: donation.revision,
      stripeEventId: notice.stripeEventId,
      set: { refunded: decision.refunded, refunds: decision.refunds, status: decision.status, statusChangedAt: notice.occurredAt },
      messages: [outboxMessage(topics.donation, event)],
    });
    if (!written) return lostRace;
    flows.outboxQueued();
    return 'applied' as const;
  });
}
