import { topics } from '@aid/contracts';
import { outboxMessage, type OutboxMessage } from '@aid/store';
import { decideDispute } from '../domain/gift-money.ts';
import { donationDisputeClosedEvent, donationDisputedEvent } from '../events/donation-events.ts';
import type { DisputeNoticeOf } from '../stripe/payment-notice.ts';
import { changeDonation, lostRace } from './change-donation.ts';
import type { DonationFlows } from './dependencies.ts';
import { failUntilSettled, giftOfCharge } from './record-charge-refund.ts';
import type { OutcomeResult } from './record-payment-outcome.ts';

/** A bank dispute on a gift's charge: the hold is announced when it opens, the outcome when it closes. */
export async function recordDispute(flows: DonationFlows, notice: DisputeNoticeOf): Promise<OutcomeResult> {
  const found = await giftOfCharge(flows, { chargeId: notice.chargeId, donationId: undefined, paymentIntentId: notice.paymentIntentId });
  if (!found) {
    flows.logger.warn({ chargeId: notice.chargeId, disputeId: notice.disputeId }, 'dispute on a charge no donation knows; ignored');
    return 'unknown-donation';
  }
  return changeDonation(flows, found.id, async () => {
    const donation = await flows.donations.find(found.id);
    if (!donation) return 'unknown-donation' as const;
    failUntilSettled(donation, notice.stripeEventId);
    const decision = decideDispute(donation, notice);
    if (decision.kind === 'unchanged') {
      flows.logger.info({ donationId: donation.id, stripeEventId: notice.stripeEventId, reason: decision.reason }, 'dispute notice changes nothing');
      return 'unchanged' as const;
    }
    const messages: OutboxMessage[] = [];
    if (decision.opened) messages.push(outboxMessage(topics.donation, donationDisputedEvent(donation, decision.opened)));
    const { closed } = decision;
    if (closed && closed.status !== 'open' && closed.closedAt) {
      messages.push(outboxMessage(topics.donation, donationDisputeClosedEvent(donation, { ...closed, status: closed.status, closedAt: closed.closedAt })));
    }
    const written = await flows.donations.applyChange({
      donationId: donation.id,
      revision: donation.revision,
      stripeEventId: notice.stripeEventId,
      set: { disputes: decision.disputes },
      messages,
    });
    if (!written) return lostRace;
    flows.outboxQueued();
    return 'applied' as const;
  });
}
