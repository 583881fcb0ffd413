/**
 * Who did what and when, one entry per state-changing action. Entries are written in the same single-document
 * write as the change they describe (an `audit` array on the disbursement), so a change without its entry, or
 * an entry for a change that did not happen, cannot exist.
 */
export interface AuditEntry {
  id: string;
  actorMemberId: string;
  action: AuditAction;
  targetId: string;
  at: Date;
  details: Record<string, string | number | boolean | null>;
}

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
export function auditEntry(action: AuditAction, actorMemberId: string, targetId: string, at: Date, details: AuditEntry['details'] = {}, suffix = ''): AuditEntry {
  return { id: `${targetId}:${action}${suffix ? `:${suffix}` : ''}`, actorMemberId, action, targetId, at, details };
}

/** Newest first, ids breaking ties, so pages never skip or repeat an entry. */
export function newestFirst(left: AuditEntry, right: AuditEntry): number {
  const byTime = right.at.getTime() - left.at.getTime();
  if (byTime !== 0) return byTime;
  return left.id < right.id ? 1 : left.id > right.id ? -1 : 0;
}
