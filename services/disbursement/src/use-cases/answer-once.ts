import { DomainError } from '@aid/contracts';
import type { Member } from '../domain/disbursement.ts';
import { idempotencyKeyInUse } from '../domain/errors.ts';
import {
  actionShows,
  decideOnExistingKey,
  idempotencyKeyId,
  requestFingerprint,
  type StoredAnswer,
} from '../domain/idempotency.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import type { HeldKey } from '../store/idempotency-keys.store.ts';
import type { UseCaseContext } from './context.ts';
import { loadVisibleDisbursement } from './load-visible.ts';

/** One state-changing request as the idempotency check sees it; `payload` is the validated body. */
export interface KeyedRequest {
  key: string | undefined;
  method: string;
  path: string;
  payload: unknown;
}

/**
 * One run of the action. `resourceId` is the id of what the request creates, fixed when the key was first
 * claimed, so a re-run creates the same thing; `retried` says an earlier attempt with the key may have acted.
 */
export interface Attempt {
  resourceId: string;
  retried: boolean;
}

export interface Answer {
  status: number;
  body: unknown;
  replayed: boolean;
}

type Claim = { kind: 'held'; held: HeldKey } | { kind: 'replay'; answer: StoredAnswer };

async function claimKey(context: UseCaseContext, id: string, requestHash: string): Promise<Claim> {
  const now = context.now();
  const claimed = await context.idempotencyKeys.claim(id, requestHash, now, context.newId());
  if (claimed.kind === 'claimed') return { kind: 'held', held: claimed.held };
  const decision = decideOnExistingKey(claimed.record, requestHash, now);
  if (decision.kind === 'replay') return decision;
  const held =
    decision.kind === 'take-over'
      ? await context.idempotencyKeys.takeOver(id, claimed.record, now)
      : await context.idempotencyKeys.renew(id, claimed.record, requestHash, now, context.newId());
  if (!held) throw idempotencyKeyInUse();
  return { kind: 'held', held };
}

/**
 * Runs a state-changing request at most once per `Idempotency-Key` of its caller: claim the key, act, store the
 * answer, in that order, each a single-document write. A crash after acting leaves a started key without an
 * answer; once its lease runs out the client's retry takes it over and acts again, and every action is safe to
 * re-run (see `Attempt`). Without a key the action simply runs.
 */
export async function answerOnce(
  context: UseCaseContext,
  member: Member,
  request: KeyedRequest,
  act: (attempt: Attempt) => Promise<{ status: number; body: unknown }>,
): Promise<Answer> {
  if (request.key === undefined)
    return { ...(await act({ resourceId: context.newId(), retried: false })), replayed: false };
  const id = idempotencyKeyId(member, request.key);
  const claim = await claimKey(
    context,
    id,
    requestFingerprint(request.method, request.path, request.payload),
  );
  if (claim.kind === 'replay')
    return { status: claim.answer.status, body: JSON.parse(claim.answer.body) as unknown, replayed: true };
  const { held } = claim;
  const answer = await act(held).catch(async (error: unknown) => {
    await giveUpQuietly(context, held);
    throw error;
  });
  await context.idempotencyKeys
    .complete(id, { status: answer.status, body: JSON.stringify(answer.body) }, context.now())
    .catch(async (error: unknown) => {
      await giveUpQuietly(context, held);
      throw error;
    });
  return { ...answer, replayed: false };
}

// The request's own error is what the client should see; a key that could not be given back frees itself
// when its lease runs out.
async function giveUpQuietly(context: UseCaseContext, held: HeldKey): Promise<void> {
  await context.idempotencyKeys.giveUp(held).catch((error: unknown) => {
    context.logger.warn(
      { err: error },
      'could not give an idempotency key back; it frees itself when its lease runs out',
    );
  });
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
