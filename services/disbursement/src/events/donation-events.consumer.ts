import type { DonationEvent } from '@aid/contracts';
import { withTraceContext } from '@aid/telemetry';
import type { NewGift } from '../store/gifts.store.ts';
import { applyRefund } from '../use-cases/apply-refund.ts';
import type { UseCaseContext } from '../use-cases/context.ts';
import { creditGifts } from '../use-cases/credit-gift.ts';
import { reverseRefund } from '../use-cases/reverse-refund.ts';

type Succeeded = Extract<DonationEvent, { type: 'org.diaspora-aid.donation.succeeded' }>;

const giftOf = ({ data }: Succeeded): NewGift => ({
  donationId: data.donationId,
  campaignId: data.campaignId,
  currency: data.currency,
  amount: data.amount,
  fee: data.fee,
  net: data.net,
  succeededAt: new Date(data.succeededAt),
});

/** Gifts credited in one go at most: the group's gift documents are written in one insert. */
const maxCreditGroup = 256;

/**
 * A partition's donation events in their order. Each run of successes is credited as a group (crediting commutes
 * within a run: it only adds money); anything else is handled alone, in its own message's trace, after the gifts
 * before it and before those after it, so a refund never overtakes the gift it takes back.
 */
export async function onDonationEvents(
  context: UseCaseContext,
  items: readonly { event: DonationEvent; trace?: Record<string, string> | undefined }[],
): Promise<void> {
  let run: NewGift[] = [];
  const creditRun = async () => {
    for (let start = 0; start < run.length; start += maxCreditGroup)
      await creditGifts(context, run.slice(start, start + maxCreditGroup));
    run = [];
  };
  for (const { event, trace } of items) {
    if (event.type === 'org.diaspora-aid.donation.succeeded') {
      run.push(giftOf(event));
      continue;
    }
    await creditRun();
    await withTraceContext(trace, () => onDonationEvent(context, event));
  }
  await creditRun();
}

export async function onDonationEvent(context: UseCaseContext, event: DonationEvent): Promise<void> {
  switch (event.type) {
    case 'org.diaspora-aid.donation.succeeded':
      await creditGifts(context, [giftOf(event)]);
      return;
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
