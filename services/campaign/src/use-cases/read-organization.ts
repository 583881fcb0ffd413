import type { Actor } from '../domain/actor.ts';
import { errors } from '../domain/errors.ts';
import { canReadOrganization, type Organization } from '../domain/organization.ts';
import type { CampaignContext } from './context.ts';

/** An organization exists only for its own members: to anyone else the answer is the same as for a wrong id. */
export async function organizationForMember(context: CampaignContext, actor: Actor, organizationId: string): Promise<Organization> {
  const organization = await context.organizations.find(organizationId);
  if (!organization || !canReadOrganization(organization, actor)) throw errors.organizationNotFound(organizationId);
  return organization;
}
