import type { AuditEntry as SharedAuditEntry } from '@aid/contracts';

/**
 * Who did what and when, one entry per state-changing action. Each entry is written in the same
 * single-document write as the change it describes (an `audit` array on the organization, campaign or update
 * it changed), so there is never a change without its entry nor an entry for a change that did not happen.
 */
export type AuditEntry = SharedAuditEntry<AuditAction>;

export const auditActions = [
  'organization.registered',
  'organization.approval-rule-changed',
  'member.added',
  'member.key-rotated',
  'member.revoked',
  'member.signed-out-everywhere',
  'campaign.created',
  'campaign.changed',
  'campaign.published',
  'campaign.closed',
  'campaign.update-posted',
  'application.submitted',
  'application.document-added',
  'application.approved',
  'application.rejected',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** The platform administrator is not a member: registrations are recorded under this actor id. */
export const platformActor = 'platform-admin';

export function auditEntry(
  id: string,
  action: AuditAction,
  actorMemberId: string,
  targetId: string,
  at: Date,
  details: AuditEntry['details'] = {},
): AuditEntry {
  return { id, actorMemberId, action, targetId, at, details };
}
