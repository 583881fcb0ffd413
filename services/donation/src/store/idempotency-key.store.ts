import { createIdempotencyKeys, type IdempotencyKeys } from '@aid/store';
import type { Logger } from '@aid/telemetry';
import type { Connection } from 'mongoose';
import type { DonorCipher } from './donor-cipher.ts';

/**
 * How long a started request holds its key: longer than the Stripe calls of a monthly gift with their retries
 * (10 s timeout, 2 retries each), so a live request is done or failed before a retry may take the key over.
 */
const inFlightLeaseMs = 120_000;

export type IdempotencyKeyStore = IdempotencyKeys<unknown>;

/**
 * The `Idempotency-Key`s of `POST /v1/donations` and refunds, kept for good. The first answer (client secret and
 * receipt code) is encrypted like donor data, bound to the key's hash, and replayed exactly.
 */
export function createIdempotencyKeyStore(
  connection: Connection,
  cipher: DonorCipher,
  logger: Logger,
): IdempotencyKeyStore {
  const context = (id: string) => `idempotency:${id}`;
  return createIdempotencyKeys<unknown>(connection, {
    leaseMs: inFlightLeaseMs,
    codec: {
      seal: (id, answer) => cipher.sealValue(context(id), answer),
      open: (id, stored) => cipher.openValue(context(id), String(stored)),
    },
    logger,
  });
}
