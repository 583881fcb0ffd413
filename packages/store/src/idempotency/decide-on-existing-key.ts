import { createHash } from 'node:crypto';

/**
 * What is kept of an `Idempotency-Key`; the key itself is not stored, only a hash scoped to its caller.
 * `Answer` is the first answer as the service replays it.
 */
export interface IdempotencyRecord<Answer> {
  requestHash: string;
  state: 'started' | 'done';
  /** Who holds the key while it is started: only the holder stores the answer or gives the key up. */
  token: string | null;
  leaseUntil: Date;
  /** The id of what the request creates, fixed at the claim so a re-run creates the same thing. */
  resourceId: string | null;
  answer: Answer | null;
  /** Null: the key answers for good. */
  expiresAt: Date | null;
}

export type ExistingKeyDecision<Answer> =
  | { kind: 'replay'; answer: Answer }
  | { kind: 'take-over' }
  | { kind: 'expired' }
  | { kind: 'reused' }
  | { kind: 'in-use' };

/**
 * What a request meets when its key already exists. Another request is refused whatever the state (`reused`). A
 * stored answer is replayed. A started request whose lease still runs is in flight (`in-use`): the client retries
 * later, so the action never runs twice at once. A started request past its lease crashed or failed before
 * storing an answer: the retry takes the key over and runs the action again, which the caller makes safe.
 */
export function decideOnExistingKey<Answer>(
  record: IdempotencyRecord<Answer>,
  requestHash: string,
  now: Date,
): ExistingKeyDecision<Answer> {
  if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
  if (record.requestHash !== requestHash) return { kind: 'reused' };
  if (record.state === 'done' && record.answer !== null) return { kind: 'replay', answer: record.answer };
  if (record.leaseUntil.getTime() > now.getTime()) return { kind: 'in-use' };
  return { kind: 'take-over' };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The stored id of a key already scoped to its caller and operation: a hash, so keys themselves are not stored. */
export function storedKeyId(scopedKey: string): string {
  return sha256(scopedKey);
}

/** What makes two requests "the same": the JSON of whatever the caller passes (body, method and path, ...). */
export function requestFingerprint(request: unknown): string {
  return sha256(JSON.stringify(request));
}
