import type { Actor } from '../domain/actor.ts';
import type { Campaign } from '../domain/campaign.ts';
import { errors } from '../domain/errors.ts';
import { canReadOrganization, type Organization } from '../domain/organization.ts';
import type { CampaignContext } from './context.ts';

/** An organization exists only for its own members: to anyone else the answer is the same as for a wrong id. */
export async function organizationForMember(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
): Promise<Organization> {
  const organization = await context.organizations.find(organizationId);
  if (!organization || !canReadOrganization(organization, actor))
    throw errors.organizationNotFound(organizationId);
  return organization;
}

/**
 * What anyone may know of an organization that runs public campaigns: who it is and those campaigns (never its
 * members or drafts). One with no public campaign is, to the public, not there.
 */
export async function publicOrganizationProfile(
  context: CampaignContext,
  organizationId: string,
): Promise<{ organization: Organization; campaigns: Campaign[] }> {
  const [organization, campaigns] = await Promise.all([
    context.organizations.find(organizationId),
    context.campaigns.ofOrganization(organizationId),
  ]);
  // Every organization here was vetted (approved, or registered by the platform administrator): who it is and
  // its verification are public from then on, even before its first campaign; its drafts never are.
  if (!organization) throw errors.organizationNotFound(organizationId);
  return { organization, campaigns: campaigns.filter((campaign) => campaign.status !== 'draft') };
}
