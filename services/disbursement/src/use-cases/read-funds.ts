import { visibleCampaign, type Member } from '../domain/disbursement.ts';
import { emptyFunds } from '../domain/funds.ts';
import type { FundsAccount } from '../store/funds-accounts.store.ts';
import type { UseCaseContext } from './context.ts';

/** A campaign that has raised nothing yet has an all-zero account in its goal currency. */
export async function readFunds(context: UseCaseContext, member: Member, campaignId: string): Promise<FundsAccount> {
  const campaign = visibleCampaign(member, await context.campaigns.find(campaignId), campaignId);
  const account = await context.funds.find(campaignId);
  return account ?? { campaignId, currency: campaign.currency, ...emptyFunds };
}
