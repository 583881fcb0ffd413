import type { ConsoleSession } from './console-session.ts';

/** A service did not answer, or failed on its side (5xx): the page says to try again, and nothing is assumed done. */
export class ConsoleServiceUnavailable extends Error {}

/**
 * A refusal by a service (RFC 9457 problem details): the console shows `detail` next to the form, and `field`
 * (when the service names one) marks the input to fix. 401 means the person's session no longer works there.
 */
export class ConsoleServiceProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly detail: string;
  constructor(status: number, code: string, detail: string, field?: string) {
    super(`${status} ${code}: ${detail}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.field = field;
  }
}

export interface ServiceCall {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is, with `contentType` (evidence files and documents). */
  bytes?: { body: Buffer; contentType: string };
  /** Repeated form posts (a double click, a reload) then count once where the service supports it. */
  idempotencyKey?: string;
  /** The person's address, so the services' per-address limits count people, not this server. */
  clientAddress?: string | undefined;
}

const timeoutMs = 15_000;

/**
 * The services as the console calls them: always as the signed-in person (their token as the bearer), so the
 * services' own authorization decides every action and their audit trail names the person.
 */
export function serviceApi(baseUrl: string) {
  return async function call<T>(
    session: Pick<ConsoleSession, 'token'> | null,
    path: string,
    options: ServiceCall = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (session) headers['authorization'] = `Bearer ${session.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.clientAddress) headers['x-forwarded-for'] = options.clientAddress;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.bytes) {
      headers['content-type'] = options.bytes.contentType;
      body = new Uint8Array(options.bytes.body);
    }
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ConsoleServiceUnavailable(`${path}: ${(error as Error).message}`);
    }
    if (response.status >= 500) throw new ConsoleServiceUnavailable(`${path}: ${response.status}`);
    const text = await response.text();
    const parsed: unknown = text === '' ? null : safeJson(text);
    if (!response.ok) {
      const problem = (parsed ?? {}) as {
        code?: unknown;
        type?: unknown;
        detail?: unknown;
        title?: unknown;
        field?: unknown;
      };
      const code =
        typeof problem.code === 'string'
          ? problem.code
          : typeof problem.type === 'string'
            ? (problem.type.split('/').pop() ?? 'refused')
            : 'refused';
      const detail =
        typeof problem.detail === 'string'
          ? problem.detail
          : typeof problem.title === 'string'
            ? problem.title
            : response.statusText;
      throw new ConsoleServiceProblem(
        response.status,
        code,
        detail,
        typeof problem.field === 'string' ? problem.field : undefined,
      );
    }
    return parsed as T;
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export type ServiceApi = ReturnType<typeof serviceApi>;
