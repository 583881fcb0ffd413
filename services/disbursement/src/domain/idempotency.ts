import { createHash } from 'node:crypto';
import type { Member } from './disbursement.ts';
import { idempotencyKeyInUse, idempotencyKeyReused } from './errors.ts';

/** A key answers its first request again for at least this long; afterwards it may start a new request. */
export const keyRetentionMs = 24 * 60 * 60_000;

/**
 * How long a started request holds its key. A request still running answers 409 in-use meanwhile; after a
 * crash between acting and storing the answer, the client's retry takes the key over once this has passed.
 * Longer than the campaign lock's lease, so a live request is normally done (or failed) before it runs out.
 */
export const inFlightLeaseMs = 45_000;

/** The first answer, replayed as it was: the status and the JSON body exactly as sent. */
export interface StoredAnswer {
  status: number;
  body: string;
}

/** What is kept of a key; the key itself is not stored, only a hash scoped to its caller. */
export interface IdempotencyRecord {
  requestHash: string;
  state: 'started' | 'done';
  /** Who holds the key while it is started: only the holder stores the answer or gives the key up. */
  token: string;
  leaseUntil: Date;
  /** The id of the resource the request creates (disbursement, delivery, evidence file), fixed at the claim. */
  resourceId: string;
  answer: StoredAnswer | null;
  expiresAt: Date;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Scoped to the caller: two members (or organizations) using the same key never meet. */
export function idempotencyKeyId(member: Pick<Member, 'memberId'>, key: string): string {
  return sha256(`disbursement-idempotency\n${member.memberId}\n${key}`);
}

/** Method, path and the validated body (evidence: the file's hash and type) identify "the same request". */
export function requestFingerprint(method: string, path: string, payload: unknown): string {
  return sha256(JSON.stringify([method.toUpperCase(), path, payload ?? null]));
}

export type ExistingKeyDecision =
  { kind: 'replay'; answer: StoredAnswer } | { kind: 'take-over' } | { kind: 'expired' };

/**
 * What a request meets when its key already exists. Another body is refused whatever the state. A stored answer
 * is replayed. A started request whose lease still runs is in flight: the client retries later, so the action
 * never runs twice at once. A started request past its lease crashed or failed before storing an answer: the
 * retry takes the key over and runs the action again, which the use cases make safe (see README).
 */
export function decideOnExistingKey(
  record: IdempotencyRecord,
  requestHash: string,
  now: Date,
): ExistingKeyDecision {
  if (record.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
  if (record.requestHash !== requestHash) throw idempotencyKeyReused();
  if (record.state === 'done' && record.answer) return { kind: 'replay', answer: record.answer };
  if (record.leaseUntil.getTime() > now.getTime()) throw idempotencyKeyInUse();
  return { kind: 'take-over' };
}

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
