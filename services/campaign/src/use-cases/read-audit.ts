import { auditPage, type AuditPage } from '@aid/contracts';
import { requireAuthority, type Actor } from '../domain/actor.ts';
import type { AuditAction } from '../domain/audit.ts';
import type { CampaignContext } from './context.ts';
import { organizationForMember } from './read-organization.ts';

/**
 * The organization's audit trail for its admins, newest first: its own actions, its campaigns' and their
 * updates'.
 */
export async function organizationAudit(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
  page: { limit: number; after?: string | undefined },
): Promise<AuditPage<AuditAction>> {
  await organizationForMember(context, actor, organizationId);
  requireAuthority(actor, organizationId, ['admin'], 'reading the audit trail', 'this organization');
  const [own, campaigns] = await Promise.all([
    context.organizations.audit(organizationId),
    context.campaigns.auditOfOrganization(organizationId),
  ]);
  const updates = await context.updates.auditOfCampaigns(campaigns.campaignIds);
  return auditPage([...own, ...campaigns.entries, ...updates], page);
}
