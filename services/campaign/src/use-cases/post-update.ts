import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import { postUpdate as decide, type CampaignUpdate } from '../domain/campaign.ts';
import { errors } from '../domain/errors.ts';
import { decideUpdatePhoto } from '../domain/update-photo.ts';
import { updatePostedMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

// No revision guard needed: a campaign never returns to draft, so once updates are allowed they stay allowed.
export async function postUpdate(
  context: CampaignContext,
  actor: Actor,
  campaignId: string,
  content: { title: string; body: string; photo?: Buffer | undefined },
): Promise<CampaignUpdate> {
  const campaign = await context.campaigns.find(campaignId);
  if (!campaign) throw errors.campaignNotFound(campaignId);
  // Who may post is decided before the photo is looked at, so a refusal names the reason that matters first.
  const text = decide(
    campaign,
    actor,
    { title: content.title, body: content.body },
    { now: context.now(), newId: context.newId },
  );
  const photo = content.photo ? decideUpdatePhoto(content.photo) : undefined;
  const update: CampaignUpdate = photo ? { ...text, photo } : text;
  const details: Record<string, string> = photo
    ? { updateId: update.id, title: update.title, photoSha256: photo.sha256 }
    : { updateId: update.id, title: update.title };
  const audit = auditEntry(
    context.newId(),
    'campaign.update-posted',
    actor.memberId,
    campaignId,
    new Date(update.postedAt),
    details,
  );
  // The photo goes in first: an update never points at a photo that is not there (FerretDB has no transactions).
  if (content.photo && photo) await context.updates.insertPhoto(update.id, photo, content.photo);
  await context.updates.insert(update, [updatePostedMessage(update)], audit);
  context.outboxQueued();
  return update;
}
