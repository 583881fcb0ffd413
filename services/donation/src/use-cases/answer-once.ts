import { createHash } from 'node:crypto';
import { idempotencyKeyInUse, idempotencyKeyReused } from '../domain/errors.ts';
import type { IdempotencyKeyStore } from '../store/idempotency-key.store.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What an `Idempotency-Key` promises: the same key and request answer the first response again, the same key
 * with another request is refused, and a request still running is said to be. A request that fails gives its
 * key back, so a retry is processed afresh. `scope` keeps one operation's keys apart from another's.
 */
export async function answerOnce<T>(
  keys: IdempotencyKeyStore,
  now: Date,
  claim: { scope: string; key: string; request: unknown },
  run: () => Promise<T>,
  resourceOf: (answer: T) => string,
): Promise<T> {
  const keyHash = sha256(`${claim.scope}:${claim.key}`);
  const requestHash = sha256(JSON.stringify(claim.request));
  const claimed = await keys.claim(keyHash, requestHash, now);
  if (claimed.kind === 'existing') {
    if (claimed.requestHash !== requestHash) throw idempotencyKeyReused();
    if (claimed.state !== 'done' || !claimed.response) throw idempotencyKeyInUse();
    return claimed.response as T;
  }
  const answer = await run().catch(async (error: unknown) => {
    await keys.release(keyHash);
    throw error;
  });
  await keys.complete(keyHash, resourceOf(answer), answer);
  return answer;
}
