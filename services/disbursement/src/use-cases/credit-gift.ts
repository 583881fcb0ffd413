import type { NewGift } from '../store/gifts.store.ts';
import type { UseCaseContext } from './context.ts';

/**
 * Succeeded gifts: recorded as allocatable gifts first, then credited to their campaign's account, each exactly
 * once. That order keeps "the gifts hold at least what the account calls available" true even after a crash
 * between the two writes. The gifts of one campaign are recorded and credited together, under one hold of its
 * lock: a handful of writes for the group instead of seven for each gift. A gift in a currency other than the
 * campaign's is a contract breach upstream: it fails loudly (its consumer then tries the group's events one by
 * one, and that one lands in the dead-letter topic) rather than mixing currencies.
 */
export async function creditGifts(context: UseCaseContext, gifts: readonly NewGift[]): Promise<void> {
  // A gift delivered twice in one group (Kafka redelivers) is one gift: its second copy would be summed again.
  const unique = [...new Map(gifts.map((gift) => [gift.donationId, gift])).values()];
  const byCampaign = new Map<string, NewGift[]>();
  for (const gift of unique)
    byCampaign.set(gift.campaignId, [...(byCampaign.get(gift.campaignId) ?? []), gift]);
  for (const [campaignId, group] of byCampaign)
    await context.locks.run(campaignId, () => creditUnderLock(context, campaignId, group));
}

async function creditUnderLock(context: UseCaseContext, campaignId: string, gifts: NewGift[]): Promise<void> {
  const [campaign, account] = await Promise.all([
    context.campaigns.find(campaignId),
    context.funds.find(campaignId),
  ]);
  const expected = account?.currency ?? campaign?.currency ?? (gifts[0] as NewGift).currency;
  const stranger = gifts.find((gift) => gift.currency !== expected);
  if (stranger)
    throw new Error(
      `gift ${stranger.donationId} is in ${stranger.currency} but campaign ${campaignId} raises ${expected}`,
    );
  await context.gifts.recordNew(gifts);
  const outcomes = await context.funds.creditMany(expected, gifts);
  const refused = gifts.find((gift) => outcomes.get(gift.donationId) === 'refused');
  if (refused)
    throw new Error(
      `gift ${refused.donationId} in ${refused.currency} was refused by the ${campaignId} account`,
    );
}
