import { newId } from '@aid/contracts';
import { answerOnce as answerOnceByKey, requestFingerprint, storedKeyId } from '@aid/store';
import { idempotencyKeyInUse, idempotencyKeyReused } from '../domain/errors.ts';
import type { DonationFlows } from './dependencies.ts';

/**
 * Runs `run` at most once per `Idempotency-Key` (see `@aid/store`'s `answerOnce`): the same key and request
 * answer the first answer again. `scope` keeps one operation's keys apart from another's. A crashed or failed
 * request's retry runs again, like a retry without a key: it makes a new donation or finds the same Stripe refund.
 */
export async function answerOnce<T>(
  flows: Pick<DonationFlows, 'idempotencyKeys' | 'now' | 'logger'>,
  claim: { scope: string; key: string; request: unknown },
  run: () => Promise<T>,
): Promise<T> {
  const { answer } = await answerOnceByKey(
    {
      keys: flows.idempotencyKeys,
      now: () => flows.now(),
      newId,
      logger: flows.logger,
      refusals: { reused: idempotencyKeyReused, inUse: idempotencyKeyInUse },
    },
    { id: storedKeyId(`${claim.scope}:${claim.key}`), requestHash: requestFingerprint(claim.request) },
    run,
  );
  // What `run` answered for this scope when the key was first used.
  return answer as T;
}
