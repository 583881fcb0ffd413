import { createIdempotencyKeys, type AnswerCodec, type IdempotencyKeys } from '@aid/store';
import type { Logger } from '@aid/telemetry';
import type { Connection } from 'mongoose';
import { inFlightLeaseMs, keyRetentionMs } from '../domain/idempotency.ts';

/** The first answer to a keyed request: its status and JSON body. */
export interface KeyedAnswer {
  status: number;
  body: unknown;
}

// Stored as `{status, body}` with the body as the JSON text sent, so a replay answers exactly the same bytes.
const asSent: AnswerCodec<KeyedAnswer> = {
  seal: (_id, answer) => ({ status: answer.status, body: JSON.stringify(answer.body) }),
  open: (_id, stored) => {
    const { status, body } = stored as { status: number; body: string };
    return { status, body: JSON.parse(body) as unknown };
  },
};

export type IdempotencyKeyStore = IdempotencyKeys<KeyedAnswer>;

export function createIdempotencyKeyStore(connection: Connection, logger: Logger): IdempotencyKeyStore {
  return createIdempotencyKeys(connection, {
    leaseMs: inFlightLeaseMs,
    retentionMs: keyRetentionMs,
    codec: asSent,
    logger,
  });
}
