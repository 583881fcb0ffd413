import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  authenticationFailureLimits,
  bearerToken,
  clientAddress,
  createHttpApp,
  defineRoute,
  HttpProblem,
  rateLimit,
  type SharedCounters,
} from './index.ts';

/** Counters in memory with the shared counters' contract (fixed windows); the database ones are tested in @aid/runtime. */
function memoryCounters(): SharedCounters & { values: Map<string, number> } {
  const values = new Map<string, number>();
  const idOf = (limiter: string, key: string, windowMs: number) =>
    `${limiter}|${key}|${Math.floor(Date.now() / windowMs)}`;
  const resetAt = (windowMs: number) => new Date((Math.floor(Date.now() / windowMs) + 1) * windowMs);
  return {
    values,
    async increment(limiter, key, windowMs) {
      const id = idOf(limiter, key, windowMs);
      values.set(id, (values.get(id) ?? 0) + 1);
      return { hits: values.get(id) ?? 0, resetAt: resetAt(windowMs) };
    },
    async decrement(limiter, key, windowMs) {
      const id = idOf(limiter, key, windowMs);
      values.set(id, (values.get(id) ?? 0) - 1);
    },
    async get(limiter, key, windowMs) {
      return { hits: values.get(idOf(limiter, key, windowMs)) ?? 0, resetAt: resetAt(windowMs) };
    },
    async reset(limiter, key, windowMs) {
      values.delete(idOf(limiter, key, windowMs));
    },
  };
}

const logger = createLogger('limits', 'silent');
const counters = memoryCounters();
const perAddress = rateLimit({
  name: 'things-per-address',
  spec: { limit: 3, windowMs: 60_000 },
  counters,
  logger,
  key: clientAddress,
  description: 'things made from this address',
});
const perOwner = rateLimit({
  name: 'things-per-owner',
  spec: { limit: 2, windowMs: 10_000 },
  counters,
  logger,
  key: (request) => (request.body as { owner?: string }).owner,
  description: 'things made for this owner',
});
const goodKey = 'good-key-123';

const routes = [
  defineRoute({
    method: 'post',
    path: '/v1/things',
    summary: 'Makes a thing',
    tag: 'Things',
    body: z.object({ owner: z.string().optional() }),
    rateLimits: [perAddress, perOwner],
    responses: { 201: { description: 'Made' } },
    handle: async () => ({ status: 201, body: { made: true } }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/secrets',
    summary: 'Reads a secret',
    tag: 'Things',
    security: 'bearer',
    authenticate: async (request) => {
      if (bearerToken(request) !== goodKey)
        throw new HttpProblem(401, 'unauthenticated', 'this API key is not known');
    },
    responses: { 200: { description: 'The secret' } },
    handle: async () => ({ body: { secret: 42 } }),
  }),
];

let server: Server;
let base: string;

beforeAll(async () => {
  const app = createHttpApp({
    serviceName: 'things',
    description: 'Test service',
    logger,
    routes,
    statusByCode: {},
    readiness: async () => ({}),
    trustProxy: ['loopback'],
    authenticationFailureLimits: authenticationFailureLimits({
      counters,
      perAddress: { limit: 4, windowMs: 60_000 },
      perKey: { limit: 2, windowMs: 60_000 },
      logger,
    }),
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

// The test's proxy (trust proxy: loopback) says which client each request is from.
const make = (client: string, owner?: string) =>
  fetch(`${base}/v1/things`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ owner }),
  });
const read = (client: string, key: string) =>
  fetch(`${base}/v1/secrets`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': client } });

describe('rate limits', () => {
  it('when one address goes over its limit, then it gets a 429 problem with Retry-After and the IETF RateLimit fields', async () => {
    for (let i = 0; i < 3; i++) expect((await make('198.51.100.1')).status).toBe(201);
    const refused = await make('198.51.100.1');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({
      status: 429,
      code: 'too-many-requests',
      detail: expect.stringContaining('things made from this address: at most 3 per minute'),
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toMatch(/^"things-per-address"; r=0; t=\d+$/);
    expect(refused.headers.get('ratelimit-policy')).toMatch(
      /^"things-per-address"; q=3; w=60; pk=:[A-Za-z0-9+/=]+:$/,
    );
    // Another address is not affected.
    expect((await make('198.51.100.2')).status).toBe(201);
  });

  it('when an answer is allowed, then it carries the remaining quota of each limit', async () => {
    const allowed = await make('198.51.100.3', 'owner-a');
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('ratelimit')).toMatch(
      /^"things-per-address"; r=2; t=\d+, "things-per-owner"; r=1; t=\d+$/,
    );
    expect(allowed.headers.get('retry-after')).toBeNull();
  });

  it('when many addresses make things for one owner, then the owner limit holds across them', async () => {
    expect((await make('198.51.100.4', 'owner-b')).status).toBe(201);
    expect((await make('198.51.100.5', 'owner-b')).status).toBe(201);
    const refused = await make('198.51.100.6', 'owner-b');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toContain('things made for this owner');
  });

  it('when IPv6 clients share a /64, then they share one budget', async () => {
    for (let i = 1; i <= 3; i++) expect((await make(`2001:db8:1:2::${i}`)).status).toBe(201);
    expect((await make('2001:db8:1:2:ffff::9')).status).toBe(429);
    expect((await make('2001:db8:1:3::1')).status).toBe(201);
  });

  it('when a key keeps failing authentication, then it gets 429 before the key is even checked, from any address', async () => {
    expect((await read('203.0.113.1', 'wrong-key')).status).toBe(401);
    expect((await read('203.0.113.2', 'wrong-key')).status).toBe(401);
    const refused = await read('203.0.113.3', 'wrong-key');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('ratelimit')).toContain('"auth-failures-per-key"; r=0');
    // The right key is not locked out by someone else's failures.
    expect((await read('203.0.113.3', goodKey)).status).toBe(200);
  });

  it('when one address fails with many keys, then the address gets 429, and successes cost it nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await read('203.0.113.9', goodKey)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await read('203.0.113.9', `guess-${i}`)).status).toBe(401);
    const refused = await read('203.0.113.9', 'guess-5');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toContain(
      'failed authentications from this address',
    );
  });

  it('when /openapi.json is read, then every limited operation declares its 429 with the headers', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, any> }>>;
    };
    for (const [path, method] of [
      ['/v1/things', 'post'],
      ['/v1/secrets', 'get'],
    ] as const) {
      const tooMany = document.paths[path]?.[method]?.responses['429'];
      expect(tooMany?.content['application/problem+json']).toBeDefined();
      expect(Object.keys(tooMany?.headers ?? {})).toEqual(['Retry-After', 'RateLimit', 'RateLimit-Policy']);
    }
  });
});

describe('security headers', () => {
  it('when any answer is sent, then it carries a closed CSP and the usual protections', async () => {
    for (const path of ['/healthz', '/v1/nothing', '/docs']) {
      const response = await fetch(`${base}${path}`);
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    }
  });
});
