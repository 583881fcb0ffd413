import type { Request } from 'express';
import { HttpProblem } from './problem.ts';

/** Printable ASCII without spaces, as Stripe and the IETF draft accept; a UUID fits comfortably. */
const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` header, if sent. An empty or malformed one is a 400 problem naming the header rather than
 * ignored: a client that meant to make its retry safe must learn that it did not.
 */
export function idempotencyKey(request: Pick<Request, 'get'>): string | undefined {
  const key = request.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!idempotencyKeyPattern.test(key)) {
    throw new HttpProblem(
      400,
      'invalid-idempotency-key',
      'the Idempotency-Key header must be 1 to 255 printable ASCII characters without spaces, such as a UUID',
      {
        field: 'Idempotency-Key',
      },
    );
  }
  return key;
}
