import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from '@aid/store';
import type { Logger } from '@aid/telemetry';
import type { Connection } from 'mongoose';
import {
  inFlightLeaseMs,
  keyRetentionMs,
  type IdempotencyRecord,
  type StoredAnswer,
} from '../domain/idempotency.ts';
import { idempotencyKeyModel, type IdempotencyKeyDocument } from './idempotency-key.model.ts';

/** A key held by this request: `retried` when an earlier attempt with this key may have acted already. */
export interface HeldKey {
  id: string;
  token: string;
  resourceId: string;
  retried: boolean;
}

export type ClaimResult =
  { kind: 'claimed'; held: HeldKey } | { kind: 'existing'; record: IdempotencyRecord };

export type IdempotencyKeyStore = ReturnType<typeof createIdempotencyKeyStore>;

function toRecord(doc: IdempotencyKeyDocument): IdempotencyRecord {
  const { requestHash, state, token, leaseUntil, resourceId, answer, expiresAt } = doc;
  return {
    requestHash,
    state,
    token,
    leaseUntil,
    resourceId,
    answer: answer ? { status: answer.status, body: answer.body } : null,
    expiresAt,
  };
}

export function createIdempotencyKeyStore(connection: Connection, logger: Logger) {
  const model = idempotencyKeyModel(connection);

  // MongoDB removes expired keys itself; FerretDB 1.24 refuses TTL indexes, so there they stay (an expired key
  // is ignored and overwritten when used again). Created here rather than in the schema, where autoIndex would
  // fail the whole collection's indexes on FerretDB.
  void model.collection
    .createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' })
    .catch((error: unknown) => {
      logger.info(
        { reason: error instanceof Error ? error.message : String(error) },
        'no TTL index on idempotency keys; expired keys are overwritten on reuse',
      );
    });

  const fresh = (requestHash: string, now: Date, resourceId: string) => ({
    requestHash,
    state: 'started' as const,
    token: randomUUID(),
    leaseUntil: new Date(now.getTime() + inFlightLeaseMs),
    resourceId,
    answer: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + keyRetentionMs),
  });

  /** Claims the key for this request (one insert wins a race), or tells what an earlier request left. */
  async function claim(id: string, requestHash: string, now: Date, resourceId: string): Promise<ClaimResult> {
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
     * Takes over a started key whose lease ran out, keeping its resource id so a re-run creates the same
     * resource; guarded by the previous holder's token, so of two retries only one takes it. Null: lost that race.
     */
    async takeOver(id: string, previous: IdempotencyRecord, now: Date): Promise<HeldKey | null> {
      const token = randomUUID();
      const taken = await model.updateOne(
        { _id: id, token: previous.token, state: 'started' },
        { $set: { token, leaseUntil: new Date(now.getTime() + inFlightLeaseMs) } },
      );
      return taken.modifiedCount === 1 ? { id, token, resourceId: previous.resourceId, retried: true } : null;
    },

    /** An expired key starts a new request; guarded like a take-over. */
    async renew(
      id: string,
      previous: IdempotencyRecord,
      requestHash: string,
      now: Date,
      resourceId: string,
    ): Promise<HeldKey | null> {
      const claim = fresh(requestHash, now, resourceId);
      const renewed = await model.updateOne({ _id: id, token: previous.token }, { $set: claim });
      return renewed.modifiedCount === 1 ? { id, token: claim.token, resourceId, retried: false } : null;
    },

    /**
     * Stores the answer. Whoever finishes first stores it (a holder whose lease was taken over acted on the same
     * resource, so either answer tells the same outcome); later ones leave it.
     */
    async complete(id: string, answer: StoredAnswer, now: Date): Promise<void> {
      await model.updateOne(
        { _id: id, state: 'started' },
        { $set: { state: 'done', answer, leaseUntil: now } },
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
