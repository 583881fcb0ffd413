import { auditPage, type AuditPage as SharedAuditPage } from '@aid/contracts';
import type { AuditAction } from '../domain/audit.ts';
import { roleNotAllowed } from '../domain/errors.ts';
import { visibleCampaign, type Member } from '../domain/disbursement.ts';
import type { UseCaseContext } from './context.ts';

export type AuditPage = SharedAuditPage<AuditAction>;

/**
 * A campaign's audit trail for its organization's admins, newest first, read from the campaign's
 * disbursements (a few entries each).
 */
export async function readCampaignAudit(
  context: UseCaseContext,
  member: Member,
  campaignId: string,
  page: { limit: number; after?: string | undefined },
): Promise<AuditPage> {
  visibleCampaign(member, await context.campaigns.find(campaignId), campaignId);
  if (member.role !== 'admin') throw roleNotAllowed(member.role, 'read the audit trail');
  return auditPage(await context.disbursements.auditOfCampaign(campaignId), page);
}
