import type { NewGift } from '../store/gifts.store.ts';
import type { UseCaseContext } from './context.ts';

/**
 * A succeeded gift: recorded as an allocatable gift first, then credited to the campaign's account exactly once.
 * That order keeps "the gifts hold at least what the account calls available" true even after a crash between
 * the two writes. A gift in a currency other than the campaign's is a contract breach upstream: it fails loudly
 * (and lands in the dead-letter topic) rather than mixing currencies.
 */
export function creditGift(context: UseCaseContext, gift: NewGift): Promise<void> {
  return context.locks.run(gift.campaignId, () => creditUnderLock(context, gift));
}

async function creditUnderLock(context: UseCaseContext, gift: NewGift): Promise<void> {
  const [campaign, account] = await Promise.all([
    context.campaigns.find(gift.campaignId),
    context.funds.find(gift.campaignId),
  ]);
  const expected = account?.currency ?? campaign?.currency ?? gift.currency;
  if (expected !== gift.currency)
    throw new Error(
      `gift ${gift.donationId} is in ${gift.currency} but campaign ${gift.campaignId} raises ${expected}`,
    );
  await context.gifts.insertIfNew(gift);
  const outcome = await context.funds.credit(gift);
  if (outcome === 'refused')
    throw new Error(
      `gift ${gift.donationId} in ${gift.currency} was refused by the ${gift.campaignId} account`,
    );
}
