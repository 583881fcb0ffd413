import type { DonationEvent } from '@aid/contracts';
import { applyRefund } from '../use-cases/apply-refund.ts';
import type { UseCaseContext } from '../use-cases/context.ts';
import { creditGift } from '../use-cases/credit-gift.ts';
import { reverseRefund } from '../use-cases/reverse-refund.ts';

export async function onDonationEvent(context: UseCaseContext, event: DonationEvent): Promise<void> {
  switch (event.type) {
    case 'org.diaspora-aid.donation.succeeded': {
      const { donationId, campaignId, currency, amount, fee, net, succeededAt } = event.data;
      await creditGift(context, {
        donationId,
        campaignId,
        currency,
        amount,
        fee,
        net,
        succeededAt: new Date(succeededAt),
      });
      return;
    }
    case 'org.diaspora-aid.donation.refunded': {
      const { donationId, campaignId, refundId, amount } = event.data;
      await applyRefund(context, { donationId, campaignId, refundId, amount });
      return;
    }
    case 'org.diaspora-aid.donation.refund-reversed': {
      const { donationId, campaignId, refundId, amount } = event.data;
      await reverseRefund(context, { donationId, campaignId, refundId, amount });
      return;
    }
    // A held dispute may still be won, so it moves no money here; a lost one takes the money back like a refund
    // (its own id space, so it can never collide with a refund of the same gift).
    case 'org.diaspora-aid.donation.disputed':
      return;
    // Donor geography is for the public record only; it moves no money.
    case 'org.diaspora-aid.donation.geography-released':
      return;
    case 'org.diaspora-aid.donation.dispute-closed': {
      const { donationId, campaignId, disputeId, amount, outcome } = event.data;
      if (outcome === 'lost')
        await applyRefund(context, { donationId, campaignId, refundId: `dispute:${disputeId}`, amount });
      return;
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled donation event ${(unknown as { type: string }).type}`);
    }
  }
}
