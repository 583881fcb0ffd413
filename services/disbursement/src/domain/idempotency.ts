import type { Member } from './disbursement.ts';

/** A key answers its first request again for at least this long; afterwards it may start a new request. */
export const keyRetentionMs = 24 * 60 * 60_000;

/**
 * How long a started request holds its key. A request still running answers 409 in-use meanwhile; after a
 * crash between acting and storing the answer, the client's retry takes the key over once this has passed.
 * Longer than the campaign lock's lease, so a live request is normally done (or failed) before it runs out.
 */
export const inFlightLeaseMs = 45_000;

/** Whether a completed action of this member already shows on the disbursement (for a retried key). */
export function actionShows(
  action: 'approve' | 'reject' | 'cancel' | 'payout',
  member: Pick<Member, 'memberId'>,
  disbursement: {
    approvals: readonly { memberId: string }[];
    rejection?: { memberId: string } | undefined;
    cancellation?: { memberId: string } | undefined;
    payout?: { paidBy: string } | undefined;
  },
): boolean {
  switch (action) {
    case 'approve':
      return disbursement.approvals.some((approval) => approval.memberId === member.memberId);
    case 'reject':
      return disbursement.rejection?.memberId === member.memberId;
    case 'cancel':
      return disbursement.cancellation?.memberId === member.memberId;
    case 'payout':
      return disbursement.payout?.paidBy === member.memberId;
    default: {
      const unknownAction: never = action;
      throw new Error(`unknown action ${String(unknownAction)}`);
    }
  }
}
