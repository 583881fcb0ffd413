import { randomUUID } from 'node:crypto';
import type { Logger } from '@aid/telemetry';
import type { Connection } from 'mongoose';
import { isDuplicateKey } from '../duplicate-key.ts';
import type { IdempotencyRecord } from './decide-on-existing-key.ts';
import { idempotencyKeyModel, type IdempotencyKeyDocument } from './idempotency-key.model.ts';

/** A key held by this request: `retried` when an earlier attempt with this key may have acted already. */
export interface HeldKey {
  id: string;
  token: string;
  resourceId: string;
  retried: boolean;
}

export type ClaimResult<Answer> =
  { kind: 'claimed'; held: HeldKey } | { kind: 'existing'; record: IdempotencyRecord<Answer> };

/** How a service keeps its first answers: `seal` gives the stored form, `open` reads it back. */
export interface AnswerCodec<Answer> {
  seal(id: string, answer: Answer): unknown;
  open(id: string, stored: unknown): Answer;
}

export interface IdempotencyKeyOptions<Answer> {
  /**
   * How long a started request holds its key: meanwhile a retry is told the request is still running; after a
   * crash between acting and storing the answer, the retry takes the key over once this has passed.
   */
  leaseMs: number;
  /** How long a key answers its first request; afterwards it starts a new one. Kept for good unless told. */
  retentionMs?: number;
  codec: AnswerCodec<Answer>;
  logger: Logger;
}

export type IdempotencyKeys<Answer> = ReturnType<typeof createIdempotencyKeys<Answer>>;

export function createIdempotencyKeys<Answer>(
  connection: Connection,
  options: IdempotencyKeyOptions<Answer>,
) {
  const model = idempotencyKeyModel(connection);
  const { leaseMs, retentionMs, codec } = options;

  // MongoDB removes expired keys itself; FerretDB 1.24 refuses TTL indexes, so there they stay (an expired key
  // is ignored and overwritten when used again). Created here rather than in the schema, where autoIndex would
  // fail the whole collection's indexes on FerretDB.
  if (retentionMs !== undefined) {
    void model.collection
      .createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' })
      .catch((error: unknown) => {
        options.logger.info(
          { reason: error instanceof Error ? error.message : String(error) },
          'no TTL index on idempotency keys; expired keys are overwritten on reuse',
        );
      });
  }

  const toRecord = (doc: IdempotencyKeyDocument): IdempotencyRecord<Answer> => {
    // A key of the first shape holds no lease: it counts as taken when it was created.
    const stored = doc.answer !== undefined ? doc.answer : (doc.responseSealed ?? null);
    return {
      requestHash: doc.requestHash,
      state: doc.state,
      token: doc.token ?? null,
      leaseUntil: doc.leaseUntil ?? new Date(doc.createdAt.getTime() + leaseMs),
      resourceId: doc.resourceId ?? null,
      answer: stored === null ? null : codec.open(doc._id, stored),
      expiresAt: doc.expiresAt ?? null,
    };
  };

  const fresh = (requestHash: string, now: Date, resourceId: string) => ({
    requestHash,
    state: 'started' as const,
    token: randomUUID(),
    leaseUntil: new Date(now.getTime() + leaseMs),
    resourceId,
    answer: null,
    createdAt: now,
    expiresAt: retentionMs === undefined ? null : new Date(now.getTime() + retentionMs),
  });

  /** Claims the key for this request (one insert wins a race), or tells what an earlier request left. */
  async function claim(
    id: string,
    requestHash: string,
    now: Date,
    resourceId: string,
  ): Promise<ClaimResult<Answer>> {
    const claimed = fresh(requestHash, now, resourceId);
    try {
      await model.create({ _id: id, ...claimed });
      return { kind: 'claimed', held: { id, token: claimed.token, resourceId, retried: false } };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const doc = await model.findById(id).lean<IdempotencyKeyDocument>();
    // Gone between the insert and this read (expired and removed): this request starts afresh.
    if (!doc) return claim(id, requestHash, now, resourceId);
    return { kind: 'existing', record: toRecord(doc) };
  }

  return {
    claim,

    /**
     * Takes over a started key whose lease ran out, keeping its resource id (a key of the first shape has none:
     * it gets `resourceId`) so a re-run creates the same resource; guarded by the previous holder's token (a
     * missing one matches null), so of two retries only one takes it. Null: lost that race.
     */
    async takeOver(
      id: string,
      previous: IdempotencyRecord<Answer>,
      now: Date,
      resourceId: string,
    ): Promise<HeldKey | null> {
      const token = randomUUID();
      const kept = previous.resourceId ?? resourceId;
      const taken = await model.updateOne(
        { _id: id, token: previous.token, state: 'started' },
        { $set: { token, leaseUntil: new Date(now.getTime() + leaseMs), resourceId: kept } },
      );
      return taken.modifiedCount === 1 ? { id, token, resourceId: kept, retried: true } : null;
    },

    /** An expired key starts a new request; guarded like a take-over. */
    async renew(
      id: string,
      previous: IdempotencyRecord<Answer>,
      requestHash: string,
      now: Date,
      resourceId: string,
    ): Promise<HeldKey | null> {
      const renewal = fresh(requestHash, now, resourceId);
      const renewed = await model.updateOne(
        { _id: id, token: previous.token },
        { $set: renewal, $unset: { responseSealed: '' } },
        // The first shape's answer is not in the schema, which would otherwise drop its removal.
        { strict: false },
      );
      return renewed.modifiedCount === 1 ? { id, token: renewal.token, resourceId, retried: false } : null;
    },

    /**
     * Stores the answer. Whoever finishes first stores it (a holder whose lease was taken over acted on the same
     * resource, so either answer tells the same outcome); later ones leave it.
     */
    async complete(id: string, answer: Answer, now: Date): Promise<void> {
      await model.updateOne(
        { _id: id, state: 'started' },
        { $set: { state: 'done', answer: codec.seal(id, answer), leaseUntil: now } },
      );
    },

    /**
     * A request that failed gives its key back at once: the client's retry takes it over and runs again, knowing
     * an earlier attempt may have acted. (Deleting it would make that retry look like a first request.)
     */
    async giveUp(held: HeldKey): Promise<void> {
      await model.updateOne(
        { _id: held.id, token: held.token, state: 'started' },
        { $set: { leaseUntil: new Date(0) } },
      );
    },
  };
}
