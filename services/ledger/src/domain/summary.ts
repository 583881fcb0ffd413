import { presentedBreakdown, type PresentedCounters } from './projections.ts';

/** Running totals kept with each campaign's log, in the campaign currency's minor units. */
export interface CampaignTotals {
  raised: number;
  fees: number;
  refunded: number;
  allocated: number;
  paidOut: number;
  paidOutLocal: number;
  delivered: number;
  beneficiaries: number;
  gifts: number;
}

export const emptyTotals: CampaignTotals = {
  raised: 0,
  fees: 0,
  refunded: 0,
  allocated: 0,
  paidOut: 0,
  paidOutLocal: 0,
  delivered: 0,
  beneficiaries: 0,
  gifts: 0,
};

export interface CampaignSummary {
  campaignId: string;
  currency: string | null;
  raised: number;
  fees: number;
  refunded: number;
  net: number;
  allocated: number;
  paidOut: number;
  delivered: number;
  beneficiaries: number;
  gifts: number;
  /** Share of paid-out money that went to local actors, 0..1 (0 when nothing was paid out yet). */
  localShare: number;
  entries: number;
  /**
   * Gifts by the currency donors paid in: how many, their presented total and what was refunded in it, each in
   * minor units of that currency (every other figure is in `currency`, the settlement currency). Aggregate only.
   */
  byPresentedCurrency: { currency: string; gifts: number; amount: number; refunded: number }[];
}

export function summarize(
  campaignId: string,
  currency: string | null,
  totals: CampaignTotals,
  entries: number,
  presented?: PresentedCounters,
): CampaignSummary {
  const net = totals.raised - totals.fees - totals.refunded;
  return {
    campaignId,
    currency,
    raised: totals.raised,
    fees: totals.fees,
    refunded: totals.refunded,
    net,
    allocated: totals.allocated,
    paidOut: totals.paidOut,
    delivered: totals.delivered,
    beneficiaries: totals.beneficiaries,
    gifts: totals.gifts,
    localShare:
      totals.paidOut === 0 ? 0 : Math.round((totals.paidOutLocal / totals.paidOut) * 10_000) / 10_000,
    entries,
    byPresentedCurrency: presentedBreakdown(presented),
  };
}
