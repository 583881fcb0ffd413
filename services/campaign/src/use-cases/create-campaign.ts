import type { Actor } from '../domain/actor.ts';
import { createCampaign as decide, type Campaign, type CampaignDraft } from '../domain/campaign.ts';
import { campaignChangeMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

export async function createCampaign(context: CampaignContext, actor: Actor, draft: CampaignDraft): Promise<Campaign> {
  const now = context.now();
  const campaign = decide(actor, draft, { now, newId: context.newId });
  await context.campaigns.insert(campaign, [campaignChangeMessage('created', campaign, now)]);
  context.outboxQueued();
  return campaign;
}
