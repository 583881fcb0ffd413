import type { UseCaseContext } from './context.ts';

export interface RefundReversal {
  donationId: string;
  campaignId: string;
  refundId: string;
  amount: number;
}

/**
 * A counted refund failed at the bank, so its money is back with the campaign. The gift decides once what comes
 * back (shortfall the refund created is cleared first, the rest is unallocated again; a reversal ahead of its
 * refund is held, see gift-position.ts) and records it; the account is then credited with exactly that, once.
 */
export function reverseRefund(context: UseCaseContext, reversal: RefundReversal): Promise<void> {
  return context.locks.run(reversal.campaignId, () => reverseUnderLock(context, reversal));
}

async function reverseUnderLock(context: UseCaseContext, reversal: RefundReversal): Promise<void> {
  const split = await context.gifts.recordReversal(reversal.donationId, reversal.refundId, reversal.amount);
  if (!split)
    throw new Error(
      `reversal of refund ${reversal.refundId} arrived before gift ${reversal.donationId}; it will be retried`,
    );
  await context.funds.creditReversal(reversal.campaignId, reversal.refundId, split);
}
