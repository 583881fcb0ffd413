import { newestFirst, type AuditEntry } from '../domain/audit.ts';
import { roleNotAllowed } from '../domain/errors.ts';
import { visibleCampaign, type Member } from '../domain/disbursement.ts';
import type { UseCaseContext } from './context.ts';

export interface AuditPage {
  entries: AuditEntry[];
  /** The id of the last entry returned when more remain. */
  last: string | null;
}

/**
 * A campaign's audit trail for its organization's admins, newest first. Paged after the entry the previous
 * page ended with; the entries are read from the campaign's disbursements (a few each), so the page is cut in
 * memory.
 */
export async function readCampaignAudit(context: UseCaseContext, member: Member, campaignId: string, page: { limit: number; after?: string | undefined }): Promise<AuditPage> {
  visibleCampaign(member, await context.campaigns.find(campaignId), campaignId);
  if (member.role !== 'admin') throw roleNotAllowed(member.role, 'read the audit trail');
  const all = (await context.disbursements.auditOfCampaign(campaignId)).sort(newestFirst);
  const start = page.after === undefined ? 0 : all.findIndex((entry) => entry.id === page.after) + 1;
  const entries = all.slice(start, start + page.limit);
  return { entries, last: start + page.limit < all.length ? (entries.at(-1)?.id ?? null) : null };
}
