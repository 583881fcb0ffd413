import { request } from 'node:http';

/**
 * A distinct loopback address per donor (127.0.0.0/8 is all loopback on Linux): load runs and benchmarks arrive
 * from many addresses, as real donors do, so per-address limits apply to them as to people.
 */
export function donorAddress(index: number): string {
  const n = (index % 16_000_000) + 1;
  return `127.${1 + (((n >> 16) & 0xff) % 254)}.${(n >> 8) & 0xff}.${n & 0xff || 1}`;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request over a new connection from `from` (a local address); `fetch` cannot choose its source address. */
export function requestFrom(
  from: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: {
          ...options.headers,
          ...(options.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(options.body)) }),
        },
        localAddress: from,
        agent: false,
        timeout: options.timeoutMs ?? 30_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(Object.assign(new Error('request timed out'), { name: 'TimeoutError' })),
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/**
 * Settings for tests of everything but the limits: they send all their requests from one address, so the
 * per-address limits are raised out of the way (the limits have tests of their own, at their real settings).
 */
export const limitsOutOfTheWay: Record<string, string> = {
  RATE_LIMIT_DONATIONS_PER_ADDRESS: '1000000/1m',
  RATE_LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS: '1000000/1m',
  RATE_LIMIT_TRACE_PER_ADDRESS: '1000000/1m',
  RATE_LIMIT_RECONCILIATION_FRESH: '1000000/1m',
  RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '1000000/1m',
  RATE_LIMIT_AUTH_FAILURES_PER_KEY: '1000000/1m',
  RATE_LIMIT_SIGN_IN_PER_ADDRESS: '1000000/1m',
  RATE_LIMIT_SIGN_IN_PER_EMAIL: '1000000/1m',
  RATE_LIMIT_APPLICATIONS_PER_ADDRESS: '1000000/1m',
  RATE_LIMIT_APPLICATION_DOCUMENTS_PER_ADDRESS: '1000000/1m',
};
