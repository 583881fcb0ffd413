import { DomainError } from '@aid/contracts';
import { answerOnce as answerOnceByKey, requestFingerprint, storedKeyId, type Attempt } from '@aid/store';
import type { Member } from '../domain/disbursement.ts';
import { idempotencyKeyInUse, idempotencyKeyReused } from '../domain/errors.ts';
import { actionShows } from '../domain/idempotency.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import type { KeyedAnswer } from '../store/idempotency-keys.store.ts';
import type { UseCaseContext } from './context.ts';
import { loadVisibleDisbursement } from './load-visible.ts';

export type { Attempt };

/** One state-changing request as the idempotency check sees it; `payload` is the validated body. */
export interface KeyedRequest {
  key: string | undefined;
  method: string;
  path: string;
  payload: unknown;
}

export interface Answer extends KeyedAnswer {
  replayed: boolean;
}

/** Scoped to the caller: two members (or organizations) using the same key never meet. */
export function idempotencyKeyId(member: Pick<Member, 'memberId'>, key: string): string {
  return storedKeyId(`disbursement-idempotency\n${member.memberId}\n${key}`);
}

/**
 * Runs a state-changing request at most once per `Idempotency-Key` of its caller (see `@aid/store`'s
 * `answerOnce`): method, path and the validated body (evidence: the file's hash and type) identify "the same
 * request". Every action is safe to re-run after a crash (see `Attempt`). Without a key the action simply runs.
 */
export async function answerOnce(
  context: UseCaseContext,
  member: Member,
  request: KeyedRequest,
  act: (attempt: Attempt) => Promise<KeyedAnswer>,
): Promise<Answer> {
  if (request.key === undefined)
    return { ...(await act({ resourceId: context.newId(), retried: false })), replayed: false };
  const { answer, replayed } = await answerOnceByKey(
    {
      keys: context.idempotencyKeys,
      now: () => context.now(),
      newId: () => context.newId(),
      logger: context.logger,
      refusals: { reused: idempotencyKeyReused, inUse: idempotencyKeyInUse },
    },
    {
      id: idempotencyKeyId(member, request.key),
      requestHash: requestFingerprint([request.method.toUpperCase(), request.path, request.payload ?? null]),
    },
    act,
  );
  return { ...answer, replayed };
}

/**
 * A status change retried under its key: when the earlier attempt already did it, the domain refuses the second
 * one by state (a second approval, payout, ...). If the disbursement shows this member's action, that attempt
 * succeeded and its answer was lost: the retry answers the disbursement as it is now instead of the refusal.
 */
export async function changeOnce(
  context: UseCaseContext,
  member: Member,
  id: string,
  action: Parameters<typeof actionShows>[0],
  attempt: Attempt,
  change: () => Promise<Disbursement>,
): Promise<Disbursement> {
  if (!attempt.retried) return change();
  return change().catch(async (error: unknown) => {
    if (!(error instanceof DomainError)) throw error;
    const current = await loadVisibleDisbursement(context, member, id);
    if (actionShows(action, member, current)) return current;
    throw error;
  });
}
