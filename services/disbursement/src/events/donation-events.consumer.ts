import type { DonationEvent } from '@aid/contracts';
import { applyRefund } from '../use-cases/apply-refund.ts';
import type { UseCaseContext } from '../use-cases/context.ts';
import { creditGift } from '../use-cases/credit-gift.ts';

export async function onDonationEvent(context: UseCaseContext, event: DonationEvent): Promise<void> {
  switch (event.type) {
    case 'org.diaspora-aid.donation.succeeded': {
      const { donationId, campaignId, currency, amount, fee, net, succeededAt } = event.data;
      await creditGift(context, { donationId, campaignId, currency, amount, fee, net, succeededAt: new Date(succeededAt) });
      return;
    }
    case 'org.diaspora-aid.donation.refunded': {
      const { donationId, campaignId, refundId, amount } = event.data;
      await applyRefund(context, { donationId, campaignId, refundId, amount });
      return;
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled donation event ${(unknown as { type: string }).type}`);
    }
  }
}
