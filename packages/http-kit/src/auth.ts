import type { Request } from 'express';
import { HttpProblem } from './problem.ts';

/** The API key from `Authorization: Bearer <key>`, or a 401 problem that says what is missing. */
export function bearerToken(request: Request): string {
  const header = request.headers.authorization;
  if (!header)
    throw new HttpProblem(401, 'unauthenticated', 'send your API key as Authorization: Bearer <key>', {
      field: 'authorization',
    });
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1])
    throw new HttpProblem(401, 'unauthenticated', 'the Authorization header must be Bearer <key>', {
      field: 'authorization',
    });
  return match[1];
}
