import { requireAuthority, type Actor } from '../domain/actor.ts';
import { newestFirst, type AuditEntry } from '../domain/audit.ts';
import type { CampaignContext } from './context.ts';
import { organizationForMember } from './read-organization.ts';

/**
 * The organization's audit trail for its admins, newest first: its own actions, its campaigns' and their
 * updates'. Paged after the entry the previous page ended with; cut in memory, as the trail of one
 * organization is read from a handful of documents.
 */
export async function organizationAudit(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
  page: { limit: number; after?: string | undefined },
): Promise<{ entries: AuditEntry[]; last: string | null }> {
  await organizationForMember(context, actor, organizationId);
  requireAuthority(actor, organizationId, ['admin'], 'reading the audit trail', 'this organization');
  const [own, campaigns] = await Promise.all([context.organizations.audit(organizationId), context.campaigns.auditOfOrganization(organizationId)]);
  const updates = await context.updates.auditOfCampaigns(campaigns.campaignIds);
  const all = [...own, ...campaigns.entries, ...updates].sort(newestFirst);
  const start = page.after === undefined ? 0 : all.findIndex((entry) => entry.id === page.after) + 1;
  const entries = all.slice(start, start + page.limit);
  return { entries, last: start + page.limit < all.length ? (entries.at(-1)?.id ?? null) : null };
}
