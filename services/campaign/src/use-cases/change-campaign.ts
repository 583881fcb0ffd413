import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import {
  closeCampaign,
  patchCampaign,
  publishCampaign,
  type Campaign,
  type CampaignPatch,
} from '../domain/campaign.ts';
import { errors } from '../domain/errors.ts';
import { campaignChangeMessage, type CampaignChange } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

// Another writer won the race: decide again on what it wrote, so a second "publish" gets the real reason
// ("already active") rather than a bare conflict. A few rounds are plenty for human-driven edits.
const attempts = 3;

/** Load, decide, save guarded by the revision read, with the event in the same write. Null = nothing to change. */
async function changeCampaign(
  context: CampaignContext,
  campaignId: string,
  change: Exclude<CampaignChange, 'created'>,
  actor: Actor,
  decide: (campaign: Campaign, now: Date) => Campaign | null,
): Promise<Campaign> {
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const current = await context.campaigns.find(campaignId);
    if (!current) throw errors.campaignNotFound(campaignId);
    const now = context.now();
    const next = decide(current, now);
    if (next === null) return current;
    const audit = auditEntry(
      context.newId(),
      `campaign.${change}`,
      actor.memberId,
      campaignId,
      now,
      changedFields(current, next),
    );
    if (
      await context.campaigns.replace(
        next,
        current.revision,
        [campaignChangeMessage(change, next, now)],
        audit,
      )
    ) {
      context.outboxQueued();
      return next;
    }
  }
  throw errors.concurrentChange();
}

export function editCampaign(
  context: CampaignContext,
  actor: Actor,
  campaignId: string,
  patch: CampaignPatch,
): Promise<Campaign> {
  return changeCampaign(context, campaignId, 'changed', actor, (campaign) =>
    patchCampaign(campaign, actor, patch),
  );
}

export async function publish(context: CampaignContext, actor: Actor, campaignId: string): Promise<Campaign> {
  // The actor's organization is the campaign's, or the decision refuses before verification matters.
  const organization = await context.organizations.find(actor.organizationId);
  if (!organization) throw errors.organizationNotFound(actor.organizationId);
  return changeCampaign(context, campaignId, 'published', actor, (campaign, now) =>
    publishCampaign(campaign, actor, now, organization),
  );
}

export function close(context: CampaignContext, actor: Actor, campaignId: string): Promise<Campaign> {
  return changeCampaign(context, campaignId, 'closed', actor, (campaign, now) =>
    closeCampaign(campaign, actor, now),
  );
}

/** What an audit reader needs to know of a change: the new revision and which fields moved. */
function changedFields(before: Campaign, after: Campaign): Record<string, string | number | null> {
  const fields = (['title', 'summary', 'goal', 'crisis', 'status', 'approvalThreshold'] as const).filter(
    (field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
  return { revision: after.revision, fields: fields.join(','), approvalThreshold: after.approvalThreshold };
}
