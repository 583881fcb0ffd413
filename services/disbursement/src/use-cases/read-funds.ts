import { visibleCampaign, type Member } from '../domain/disbursement.ts';
import { campaignNotFound } from '../domain/errors.ts';
import { emptyFunds } from '../domain/funds.ts';
import { publicTotals, type PublicTotals } from '../domain/public-totals.ts';
import type { FundsAccount } from '../store/funds-accounts.store.ts';
import type { UseCaseContext } from './context.ts';

/** A campaign that has raised nothing yet has an all-zero account in its goal currency. */
export async function readFunds(
  context: UseCaseContext,
  member: Member,
  campaignId: string,
): Promise<FundsAccount> {
  const campaign = visibleCampaign(member, await context.campaigns.find(campaignId), campaignId);
  const account = await context.funds.find(campaignId);
  return account ?? { campaignId, currency: campaign.currency, ...emptyFunds };
}

export interface CampaignPublicTotals extends PublicTotals {
  campaignId: string;
  currency: string;
}

/**
 * The account's totals for anyone, by the public ledger's definitions (public-totals.ts), read from this
 * service's own state so the ledger's reconciliation can compare the two. Unknown campaigns are a 404, and so are
 * drafts: a draft is not public anywhere, and answers exactly as the campaign service answers it.
 */
export async function readPublicTotals(
  context: UseCaseContext,
  campaignId: string,
): Promise<CampaignPublicTotals> {
  const [account, campaign] = await Promise.all([
    context.funds.find(campaignId),
    context.campaigns.find(campaignId),
  ]);
  if (campaign?.status === 'draft') throw campaignNotFound(campaignId);
  if (account) return { campaignId, currency: account.currency, ...publicTotals(account) };
  if (!campaign) throw campaignNotFound(campaignId);
  return { campaignId, currency: campaign.currency, ...publicTotals(emptyFunds) };
}
