import type { AuditDetails, AuditEntry } from '@aid/contracts';
import mongoose from 'mongoose';

/**
 * An audit entry as it is read back: entries written before the time was stored as a date carry an ISO string,
 * and the database drops an empty `details` object on the way in (mongoose's minimize).
 */
export type StoredAuditEntry<Action extends string = string> = Omit<AuditEntry<Action>, 'at' | 'details'> & {
  at: Date | string;
  details?: AuditDetails | null;
};

/** The `audit` array of a document that keeps its own trail, written in the same write as each change. */
export const auditTrailField = {
  type: [
    new mongoose.Schema(
      {
        id: String,
        actorMemberId: String,
        action: String,
        targetId: String,
        at: Date,
        details: mongoose.Schema.Types.Mixed,
      },
      { _id: false },
    ),
  ],
  default: [],
};

export function fromStoredAudit<Action extends string>(
  stored: readonly StoredAuditEntry<Action>[] | null | undefined,
): AuditEntry<Action>[] {
  return (stored ?? []).map(({ id, actorMemberId, action, targetId, at, details }) => ({
    id,
    actorMemberId,
    action,
    targetId,
    at: at instanceof Date ? at : new Date(at),
    details: details ?? {},
  }));
}
