import type { CampaignStatus, crisisSchema } from '@aid/contracts';
import type { z } from 'zod';
import { requireAuthority, requireRole, type Actor } from './actor.ts';
import { errors } from './errors.ts';
import { requireVerified, type Organization } from './organization.ts';
import type { UpdatePhotoFacts } from './update-photo.ts';

export interface Goal {
  amount: number;
  currency: string;
}

export type Crisis = z.infer<typeof crisisSchema>;

export interface Campaign {
  id: string;
  organizationId: string;
  organizationName: string;
  title: string;
  summary: string;
  goal: Goal;
  crisis: Crisis;
  status: CampaignStatus;
  /** Starts at 1 and grows by one with every change, so consumers of snapshots keep only the newest. */
  revision: number;
  createdAt: string;
  publishedAt: string | null;
  closedAt: string | null;
  /** Disbursements of at least this many minor units need two different approvers; null means one. */
  approvalThreshold: number | null;
  /** When the organization was verified, as it stood at publication; null for drafts and older campaigns. */
  organizationVerifiedAt: string | null;
}

export interface CampaignDraft {
  title: string;
  summary: string;
  goal: Goal;
  crisis: Crisis;
}

export type CampaignPatch = Partial<CampaignDraft> & { approvalThreshold?: number | null | undefined };

export interface CampaignUpdate {
  id: string;
  campaignId: string;
  title: string;
  body: string;
  postedAt: string;
  /** The photo posted with the update, if any: its facts, hashed onto the public record. */
  photo?: UpdatePhotoFacts | undefined;
}

const adminOnly = ['admin'] as const;
const reporters = ['admin', 'field-officer'] as const;
// Field officers know what is needed on the ground: they may draft a campaign; an admin edits and publishes it.
const drafters = ['admin', 'field-officer'] as const;

export function createCampaign(
  actor: Actor,
  draft: CampaignDraft,
  provided: { now: Date; newId: () => string },
): Campaign {
  requireRole(actor, drafters, 'creating a campaign');
  return {
    id: provided.newId(),
    organizationId: actor.organizationId,
    organizationName: actor.organizationName,
    title: draft.title,
    summary: draft.summary,
    goal: draft.goal,
    crisis: draft.crisis,
    status: 'draft',
    revision: 1,
    createdAt: provided.now.toISOString(),
    publishedAt: null,
    closedAt: null,
    approvalThreshold: null,
    organizationVerifiedAt: null,
  };
}

function sameCrisis(left: Crisis, right: Crisis): boolean {
  return (
    left.kind === right.kind &&
    left.glide === right.glide &&
    left.countries.length === right.countries.length &&
    left.countries.every((country, index) => right.countries[index] === country)
  );
}

function differs(campaign: Campaign, patch: CampaignPatch): boolean {
  return (
    (patch.title !== undefined && patch.title !== campaign.title) ||
    (patch.summary !== undefined && patch.summary !== campaign.summary) ||
    (patch.goal !== undefined &&
      (patch.goal.amount !== campaign.goal.amount || patch.goal.currency !== campaign.goal.currency)) ||
    (patch.crisis !== undefined && !sameCrisis(patch.crisis, campaign.crisis)) ||
    (patch.approvalThreshold !== undefined && patch.approvalThreshold !== campaign.approvalThreshold)
  );
}

/**
 * Returns the changed campaign, or null when the patch changes nothing (no new revision, no event). Once
 * published, gifts exist in the goal's currency, so the currency is fixed; a closed campaign is history.
 */
export function patchCampaign(campaign: Campaign, actor: Actor, patch: CampaignPatch): Campaign | null {
  requireAuthority(actor, campaign.organizationId, adminOnly, 'changing a campaign', 'this campaign');
  if (campaign.status === 'closed') throw errors.campaignClosed();
  if (
    campaign.status === 'active' &&
    patch.goal !== undefined &&
    patch.goal.currency !== campaign.goal.currency
  ) {
    throw errors.currencyLocked(campaign.goal.currency);
  }
  if (!differs(campaign, patch)) return null;
  return {
    ...campaign,
    title: patch.title ?? campaign.title,
    summary: patch.summary ?? campaign.summary,
    goal: patch.goal ?? campaign.goal,
    crisis: patch.crisis ?? campaign.crisis,
    approvalThreshold:
      patch.approvalThreshold === undefined ? campaign.approvalThreshold : patch.approvalThreshold,
    revision: campaign.revision + 1,
  };
}

/** Only a verified organization publishes: donors are promised a vetted organization behind every public campaign. */
export function publishCampaign(
  campaign: Campaign,
  actor: Actor,
  now: Date,
  organization: Pick<Organization, 'verification'>,
): Campaign {
  requireAuthority(actor, campaign.organizationId, adminOnly, 'publishing a campaign', 'this campaign');
  if (campaign.status !== 'draft') {
    throw errors.wrongStatus(`the campaign is ${campaign.status}; only a draft campaign can be published`);
  }
  const verification = requireVerified(organization);
  return {
    ...campaign,
    status: 'active',
    publishedAt: now.toISOString(),
    revision: campaign.revision + 1,
    organizationVerifiedAt: verification.verifiedAt,
  };
}

export function closeCampaign(campaign: Campaign, actor: Actor, now: Date): Campaign {
  requireAuthority(actor, campaign.organizationId, adminOnly, 'closing a campaign', 'this campaign');
  if (campaign.status !== 'active') {
    throw errors.wrongStatus(`the campaign is ${campaign.status}; only an active campaign can be closed`);
  }
  return { ...campaign, status: 'closed', closedAt: now.toISOString(), revision: campaign.revision + 1 };
}

/** Updates are public news, so they go only on campaigns the public can see; a closed campaign still reports. */
export function postUpdate(
  campaign: Campaign,
  actor: Actor,
  content: { title: string; body: string },
  provided: { now: Date; newId: () => string },
): CampaignUpdate {
  requireAuthority(actor, campaign.organizationId, reporters, 'posting an update', 'this campaign');
  if (campaign.status === 'draft') {
    throw errors.wrongStatus('the campaign is draft; updates are posted on active or closed campaigns');
  }
  return {
    id: provided.newId(),
    campaignId: campaign.id,
    title: content.title,
    body: content.body,
    postedAt: provided.now.toISOString(),
  };
}

/** Drafts are private to their organization; active and closed campaigns are public. */
export function canReadCampaign(campaign: Campaign, viewer: Actor | undefined): boolean {
  return campaign.status !== 'draft' || viewer?.organizationId === campaign.organizationId;
}
