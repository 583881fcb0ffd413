import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import { postUpdate as decide, type CampaignUpdate } from '../domain/campaign.ts';
import { errors } from '../domain/errors.ts';
import { updatePostedMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

// No revision guard needed: a campaign never returns to draft, so once updates are allowed they stay allowed.
export async function postUpdate(
  context: CampaignContext,
  actor: Actor,
  campaignId: string,
  content: { title: string; body: string },
): Promise<CampaignUpdate> {
  const campaign = await context.campaigns.find(campaignId);
  if (!campaign) throw errors.campaignNotFound(campaignId);
  const update = decide(campaign, actor, content, { now: context.now(), newId: context.newId });
  const audit = auditEntry(context.newId(), 'campaign.update-posted', actor.memberId, campaignId, new Date(update.postedAt), { updateId: update.id, title: update.title });
  await context.updates.insert(update, [updatePostedMessage(update)], audit);
  context.outboxQueued();
  return update;
}
