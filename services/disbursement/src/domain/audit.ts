import type { AuditEntry as SharedAuditEntry } from '@aid/contracts';

/**
 * Who did what and when, one entry per state-changing action. Entries are written in the same single-document
 * write as the change they describe (an `audit` array on the disbursement), so a change without its entry, or
 * an entry for a change that did not happen, cannot exist.
 */
export type AuditEntry = SharedAuditEntry<AuditAction>;

export const auditActions = [
  'disbursement.requested',
  'disbursement.approval-recorded',
  'disbursement.approved',
  'disbursement.rejected',
  'disbursement.cancelled',
  'disbursement.paid',
  'disbursement.delivery-reported',
  'disbursement.evidence-uploaded',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** Entries of one action on one target have a deterministic id, so a resumed action never records itself twice. */
export function auditEntry(
  action: AuditAction,
  actorMemberId: string,
  targetId: string,
  at: Date,
  details: AuditEntry['details'] = {},
  suffix = '',
): AuditEntry {
  return {
    id: `${targetId}:${action}${suffix ? `:${suffix}` : ''}`,
    actorMemberId,
    action,
    targetId,
    at,
    details,
  };
}
