import { auditEntry, platformActor } from '../domain/audit.ts';
import {
  registerOrganization as decide,
  type Member,
  type Organization,
  type RegisterOrganization,
} from '../domain/organization.ts';
import { memberAddedMessage, organizationRegisteredMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

export interface RegisteredOrganization {
  organization: Organization;
  admin: Member;
  /** Shown once: only its hash is kept. */
  apiKey: string;
}

/** `decisionReason`: why the administrator approved the application the organization comes from, for its audit. */
export async function registerOrganization(
  context: CampaignContext,
  command: RegisterOrganization,
  decisionReason: string | null = null,
): Promise<RegisteredOrganization> {
  const now = context.now();
  const key = context.newApiKey();
  const organization = decide(command, { now, newId: context.newId, apiKeyHash: key.apiKeyHash });
  const admin = organization.members[0] as Member;
  // The address is linked first: a link without its member signs nobody in; a member without it could not sign in.
  if (admin.email) await context.signIn.linkEmail(admin.email, organization.id);
  await context.organizations.insert(
    organization,
    [organizationRegisteredMessage(organization, now), memberAddedMessage(organization.id, admin, now)],
    [
      // Registered by the platform administrator, so verified from the start (see the domain): the entry says by
      // which application and why, when one was approved; directly registered organizations name none.
      auditEntry(context.newId(), 'organization.registered', platformActor, organization.id, now, {
        name: organization.name,
        verified: true,
        applicationId: organization.verification?.applicationId ?? null,
        reason: decisionReason,
      }),
      auditEntry(context.newId(), 'member.added', platformActor, admin.id, now, {
        role: admin.role,
        name: admin.name,
      }),
    ],
  );
  context.outboxQueued();
  return { organization, admin, apiKey: key.apiKey };
}
