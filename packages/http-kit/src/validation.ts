import type { z } from 'zod';
import { HttpProblem } from './problem.ts';

function fieldName(where: string, path: PropertyKey[]): string {
  const parts = path.map(String);
  if (where === 'body') return parts.join('.') || '(body)';
  // A header is named as itself, as the other header problems name `authorization` or `stripe-signature`.
  return where === 'headers' ? parts.join('.') : [where, ...parts].join('.');
}

/** Parses one part of a request; every failure becomes a 400 problem naming each offending field. */
export function parseRequestPart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'params' | 'query' | 'headers',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    field: fieldName(where, issue.path),
    message: issue.message,
  }));
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}` : 'the request is not valid';
  throw new HttpProblem(400, 'validation-failed', detail, {
    errors,
    ...(first ? { field: first.field } : {}),
  });
}
