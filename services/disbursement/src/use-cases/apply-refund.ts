import type { UseCaseContext } from './context.ts';

export interface Refund {
  donationId: string;
  campaignId: string;
  refundId: string;
  amount: number;
}

/**
 * Takes a refund off the gift's unallocated money, then off the account, each exactly once. What the gift no
 * longer holds (money already allocated to a disbursement, which is not clawed back from aid, and the fee the
 * processor kept) is recorded as the account's `refundShortfall` (gift-position.ts); the campaign's unallocated
 * money pays it, so none of it stays available, and what that cannot cover is `overAllocated` (funds.ts).
 *
 * The account debit is refused only while an approval has reserved money it has not yet allocated and the
 * refund would take that money off the gifts; the error makes the consumer retry after that approval finished.
 */
export function applyRefund(context: UseCaseContext, refund: Refund): Promise<void> {
  return context.locks.run(refund.campaignId, () => refundUnderLock(context, refund));
}

async function refundUnderLock(context: UseCaseContext, refund: Refund): Promise<void> {
  const split = await context.gifts.recordRefund(refund.donationId, refund.refundId, refund.amount);
  if (!split)
    throw new Error(`refund ${refund.refundId} arrived before gift ${refund.donationId}; it will be retried`);
  const outcome = await context.funds.debitRefund(refund.campaignId, refund.refundId, split);
  if (outcome === 'refused')
    throw new Error(
      `refund ${refund.refundId} waits for an approval in progress on campaign ${refund.campaignId}`,
    );
  if (outcome === 'applied' && split.shortfall > 0) {
    context.logger.warn(
      {
        campaignId: refund.campaignId,
        donationId: refund.donationId,
        refundId: refund.refundId,
        shortfall: split.shortfall,
      },
      'refunded money was no longer on its gift (allocated, or the fee kept by the processor); recorded as a refund shortfall',
    );
  }
}
