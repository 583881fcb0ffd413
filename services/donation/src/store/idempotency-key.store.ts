import type { Connection } from 'mongoose';
import type { DonorCipher } from './donor-cipher.ts';
import { idempotencyKeyModel, type IdempotencyKeyDocument } from './idempotency-key.model.ts';
import { isDuplicateKey } from '@aid/store';

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'existing'; requestHash: string; state: 'started' | 'done'; response: unknown };

export function createIdempotencyKeyStore(connection: Connection, cipher: DonorCipher) {
  const model = idempotencyKeyModel(connection);
  const context = (keyHash: string) => `idempotency:${keyHash}`;
  return {
    /** Claims the key for this request, or tells what an earlier request with the same key did. */
    async claim(keyHash: string, requestHash: string, now: Date): Promise<IdempotencyClaim> {
      try {
        await model.create({
          _id: keyHash,
          requestHash,
          state: 'started',
          donationId: null,
          responseSealed: null,
          createdAt: now,
        });
        return { kind: 'claimed' };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const doc = await model.findById(keyHash).lean<IdempotencyKeyDocument>();
      // Released between our insert and this read: the caller's retry will claim it.
      if (!doc) return { kind: 'existing', requestHash, state: 'started', response: null };
      const response = doc.responseSealed ? cipher.openValue(context(keyHash), doc.responseSealed) : null;
      return { kind: 'existing', requestHash: doc.requestHash, state: doc.state, response };
    },

    async complete(keyHash: string, donationId: string, response: unknown): Promise<void> {
      await model.updateOne(
        { _id: keyHash },
        { $set: { state: 'done', donationId, responseSealed: cipher.sealValue(context(keyHash), response) } },
      );
    },

    /** A request that failed gives its key back, so the donor's retry with the same key is processed afresh. */
    async release(keyHash: string): Promise<void> {
      await model.deleteOne({ _id: keyHash, state: 'started' });
    },
  };
}

export type IdempotencyKeyStore = ReturnType<typeof createIdempotencyKeyStore>;
