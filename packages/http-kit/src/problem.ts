import { z } from 'zod';

/** RFC 9457 problem details. `field` and `errors` name what in the request was wrong. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  field?: string;
  errors?: { field: string; message: string }[];
  traceId?: string;
}

/** The same document as a zod schema, for the error responses of every OpenAPI document. */
export const problemDocumentSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  code: z.string(),
  field: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  traceId: z.string().optional(),
});

export const problemTypeBase = 'https://diaspora-aid.org/problems/';

/** An error already expressed in HTTP terms, raised by the transport layer (validation, auth, content type). */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly errors: { field: string; message: string }[] | undefined;
  constructor(
    status: number,
    code: string,
    message: string,
    extra: { field?: string; errors?: { field: string; message: string }[] } = {},
  ) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.field = extra.field;
    this.errors = extra.errors;
  }
}

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Partial<Pick<ProblemDocument, 'field' | 'errors' | 'instance' | 'traceId'>> = {},
): ProblemDocument {
  return {
    type: `${problemTypeBase}${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    ...Object.fromEntries(Object.entries(extra).filter(([, value]) => value !== undefined)),
  };
}
