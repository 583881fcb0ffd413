import type { Logger } from '@aid/telemetry';
import { decideOnExistingKey, type ExistingKeyDecision } from './decide-on-existing-key.ts';
import type { HeldKey, IdempotencyKeys } from './idempotency-keys.store.ts';

/**
 * One run of the action. `resourceId` is the id of what the request creates, fixed when the key was first
 * claimed, so a re-run can create the same thing; `retried` says an earlier attempt with the key may have acted.
 */
export interface Attempt {
  resourceId: string;
  retried: boolean;
}

/** The key of one request, already scoped and hashed (`storedKeyId`), and its fingerprint. */
export interface KeyClaim {
  id: string;
  requestHash: string;
}

export interface AnswerOnceDeps<Answer> {
  keys: IdempotencyKeys<Answer>;
  now(): Date;
  newId(): string;
  logger: Logger;
  /** The service's own domain errors (each names the `Idempotency-Key` header). */
  refusals: { reused(): Error; inUse(): Error };
}

type Claim<Answer> = { kind: 'held'; held: HeldKey } | { kind: 'replay'; answer: Answer };

async function claimKey<Answer>(deps: AnswerOnceDeps<Answer>, claim: KeyClaim): Promise<Claim<Answer>> {
  const now = deps.now();
  const claimed = await deps.keys.claim(claim.id, claim.requestHash, now, deps.newId());
  if (claimed.kind === 'claimed') return { kind: 'held', held: claimed.held };
  const decision: ExistingKeyDecision<Answer> = decideOnExistingKey(claimed.record, claim.requestHash, now);
  switch (decision.kind) {
    case 'replay':
      return decision;
    case 'reused':
      throw deps.refusals.reused();
    case 'in-use':
      throw deps.refusals.inUse();
    case 'take-over':
    case 'expired': {
      const held =
        decision.kind === 'take-over'
          ? await deps.keys.takeOver(claim.id, claimed.record, now, deps.newId())
          : await deps.keys.renew(claim.id, claimed.record, claim.requestHash, now, deps.newId());
      if (!held) throw deps.refusals.inUse();
      return { kind: 'held', held };
    }
    default: {
      const unknownDecision: never = decision;
      throw new Error(`unknown decision ${JSON.stringify(unknownDecision)}`);
    }
  }
}

/**
 * Runs a request at most once per `Idempotency-Key`: claim the key, act, store the answer, in that order, each a
 * single-document write (no transactions). The same key and request answer the first answer again; the same key
 * with another request is refused, and so is one whose first request is still running. A failed action stores no
 * answer and gives the key back, so a retry runs again; a crash after acting leaves a started key, which the
 * client's retry takes over once its lease has run out, and acts again (see `Attempt`).
 */
export async function answerOnce<Answer>(
  deps: AnswerOnceDeps<Answer>,
  claim: KeyClaim,
  act: (attempt: Attempt) => Promise<Answer>,
): Promise<{ answer: Answer; replayed: boolean }> {
  const claimed = await claimKey(deps, claim);
  if (claimed.kind === 'replay') return { answer: claimed.answer, replayed: true };
  const { held } = claimed;
  const answer = await act(held).catch(async (error: unknown) => {
    await giveUpQuietly(deps, held);
    throw error;
  });
  await deps.keys.complete(claim.id, answer, deps.now()).catch(async (error: unknown) => {
    await giveUpQuietly(deps, held);
    throw error;
  });
  return { answer, replayed: false };
}

// The request's own error is what the client should see; a key that could not be given back frees itself
// when its lease runs out.
async function giveUpQuietly<Answer>(deps: AnswerOnceDeps<Answer>, held: HeldKey): Promise<void> {
  await deps.keys.giveUp(held).catch((error: unknown) => {
    deps.logger.warn(
      { err: error },
      'could not give an idempotency key back; it frees itself when its lease runs out',
    );
  });
}
