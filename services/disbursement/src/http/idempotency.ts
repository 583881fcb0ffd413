import { idempotencyKey, type RouteResult } from '@aid/http-kit';
import type { Request } from 'express';
import type { Member } from '../domain/disbursement.ts';
import { answerOnce, type Attempt } from '../use-cases/answer-once.ts';
import type { UseCaseContext } from '../use-cases/context.ts';
import { problemResponse } from './schemas.ts';

export const idempotencyNote =
  'An optional Idempotency-Key header makes a retry safe: the same key and body answer the first response again';

/**
 * Answers a state-changing route at most once per key: `payload` is what makes two requests "the same" besides
 * method and path (the validated body). A replayed answer says so in `Idempotent-Replayed`, as Stripe does.
 */
export async function respondOnce(
  context: UseCaseContext,
  member: Member,
  request: Request,
  payload: unknown,
  act: (attempt: Attempt) => Promise<{ status: number; body: unknown }>,
): Promise<RouteResult> {
  const key = idempotencyKey(request);
  const answer = await answerOnce(
    context,
    member,
    { key, method: request.method, path: `${request.baseUrl}${request.path}`, payload },
    act,
  );
  return {
    status: answer.status,
    body: answer.body,
    ...(answer.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
}

/** The problems every keyed route may add to its own. */
export const idempotencyProblems = {
  400: {
    description:
      'a field is missing or malformed, or the Idempotency-Key header is malformed (problem names the field)',
    schema: problemResponse,
  },
  409: {
    description:
      'the action conflicts with the disbursement’s state; or the Idempotency-Key was used with another request (idempotency-key-reused) or its first request is still running (idempotency-key-in-use, retry later)',
    schema: problemResponse,
  },
};
