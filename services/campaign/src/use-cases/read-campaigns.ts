import type { Organization } from '../domain/organization.ts';
import type { Actor } from '../domain/actor.ts';
import { canReadCampaign, type Campaign, type CampaignUpdate } from '../domain/campaign.ts';
import { errors } from '../domain/errors.ts';
import type { UpdatePhotoFacts } from '../domain/update-photo.ts';
import type { CampaignContext } from './context.ts';

export const latestUpdatesShown = 20;

/** A draft answers exactly like a missing campaign to anyone outside its organization. */
export async function campaignForViewer(
  context: CampaignContext,
  viewer: Actor | undefined,
  campaignId: string,
): Promise<{ campaign: Campaign; updates: CampaignUpdate[]; organization: Organization | null }> {
  const campaign = await context.campaigns.find(campaignId);
  if (!campaign || !canReadCampaign(campaign, viewer)) throw errors.campaignNotFound(campaignId);
  const [updates, organization] = await Promise.all([
    campaign.status === 'draft' ? [] : context.updates.latest(campaignId, latestUpdatesShown),
    context.organizations.find(campaign.organizationId),
  ]);
  return { campaign, updates, organization };
}

/** Public listing, newest first; one extra row is read to know whether another page exists. */
export async function publicCampaigns(
  context: CampaignContext,
  query: { status?: 'active' | 'closed' | undefined; limit: number; after?: string | undefined },
): Promise<{ campaigns: Campaign[]; last: string | null }> {
  const rows = await context.campaigns.list({
    statuses: query.status ? [query.status] : ['active', 'closed'],
    limit: query.limit + 1,
    before: query.after,
  });
  const campaigns = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return { campaigns, last: more ? (campaigns.at(-1)?.id ?? null) : null };
}

/** The photo of an update: public like the update itself, which only a public (active or closed) campaign has. */
export async function updatePhoto(
  context: CampaignContext,
  campaignId: string,
  updateId: string,
): Promise<{ facts: UpdatePhotoFacts; bytes: Buffer }> {
  const photo = await context.updates.photo(campaignId, updateId);
  if (!photo) throw errors.photoNotFound(updateId);
  return photo;
}

/** Every campaign of the caller's own organization, drafts included, newest first: what its console lists. */
export async function campaignsOfOwnOrganization(
  context: CampaignContext,
  viewer: Actor,
  organizationId: string,
): Promise<Campaign[]> {
  // Another organization's list answers like an unknown one: not even its existence is told.
  if (viewer.organizationId !== organizationId) throw errors.organizationNotFound(organizationId);
  return (await context.campaigns.ofOrganization(organizationId)).sort((left, right) =>
    left.id < right.id ? 1 : left.id > right.id ? -1 : 0,
  );
}
