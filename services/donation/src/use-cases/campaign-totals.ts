import { campaignNotFound } from '../domain/errors.ts';
import { zeroTotals } from '../store/campaign-totals.store.ts';
import type { DonationFlows } from './dependencies.ts';

/**
 * A campaign's totals as this service counts them; a known campaign without gifts is all zero. A draft is not
 * public anywhere: it answers exactly as an unknown campaign, as the campaign service answers it.
 */
export async function campaignTotals(flows: DonationFlows, campaignId: string) {
  const [counted, campaign] = await Promise.all([
    flows.totals.read(campaignId),
    flows.campaigns.find(campaignId),
  ]);
  if (campaign?.status === 'draft' || (!counted && !campaign)) throw campaignNotFound(campaignId);
  const totals = counted ?? zeroTotals(campaignId, campaign?.currency ?? '');
  return {
    campaignId,
    currency: totals.currency,
    gifts: totals.gifts,
    raised: totals.raised,
    fees: totals.fees,
    refunded: totals.refunded,
    disputed: totals.disputed,
    net: totals.raised - totals.fees - totals.refunded,
    refundsReversed: totals.refundsReversed,
  };
}
