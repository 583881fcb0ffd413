import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import { createCampaign as decide, type Campaign, type CampaignDraft } from '../domain/campaign.ts';
import { campaignChangeMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

export async function createCampaign(
  context: CampaignContext,
  actor: Actor,
  draft: CampaignDraft,
): Promise<Campaign> {
  const now = context.now();
  const campaign = decide(actor, draft, { now, newId: context.newId });
  const audit = auditEntry(context.newId(), 'campaign.created', actor.memberId, campaign.id, now, {
    title: campaign.title,
  });
  await context.campaigns.insert(campaign, [campaignChangeMessage('created', campaign, now)], audit);
  context.outboxQueued();
  return campaign;
}
