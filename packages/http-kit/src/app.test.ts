import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '@aid/contracts';
import { createHttpApp, defineRoute } from './index.ts';

type Code = 'campaign-not-found' | 'campaign-closed';

const routes = [
  defineRoute({
    method: 'post',
    path: '/v1/things/:id',
    summary: 'Makes a thing',
    tag: 'Things',
    params: z.object({ id: z.string().regex(/^[a-z]+$/, 'must be lower-case letters') }),
    body: z.object({
      amount: z.number().int('must be a whole number'),
      donor: z.object({ email: z.email('must be an email address') }),
    }),
    responses: { 201: { description: 'Made' } },
    async handle({ params, body }) {
      if (params.id === 'missing')
        throw new DomainError<Code>('campaign-not-found', 'no such campaign', 'campaignId');
      if (params.id === 'closed') throw new DomainError<Code>('campaign-closed', 'the campaign is closed');
      if (params.id === 'boom') throw new Error('database password is hunter2');
      return { status: 201, body: { id: params.id, amount: body.amount } };
    },
  }),
];

let server: Server;
let base: string;

beforeAll(async () => {
  const app = createHttpApp<Code>({
    serviceName: 'things',
    description: 'Test service',
    logger: createLogger('things', 'silent'),
    routes,
    statusByCode: { 'campaign-not-found': 404, 'campaign-closed': 409 },
    readiness: async () => ({ database: true, kafka: false }),
    bodyLimit: '1kb',
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

async function post(path: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, any>,
  };
}

describe('HTTP kit', () => {
  it('when the request is valid, then the handler answers', async () => {
    const { status, body } = await post(
      '/v1/things/abc',
      JSON.stringify({ amount: 5, donor: { email: 'a@example.org' } }),
    );
    expect(status).toBe(201);
    expect(body).toEqual({ id: 'abc', amount: 5 });
  });

  it.each([
    [
      '/v1/things/abc',
      '{"amount": 2.5, "donor": {"email": "a@example.org"}}',
      'application/json',
      400,
      'amount',
      'validation-failed',
    ],
    [
      '/v1/things/abc',
      '{"amount": 2, "donor": {"email": "nope"}}',
      'application/json',
      400,
      'donor.email',
      'validation-failed',
    ],
    [
      '/v1/things/ABC',
      '{"amount": 2, "donor": {"email": "a@example.org"}}',
      'application/json',
      400,
      'params.id',
      'validation-failed',
    ],
    ['/v1/things/abc', '{"amount": 2,', 'application/json', 400, '(body)', 'malformed-json'],
    [
      '/v1/things/abc',
      'amount=2',
      'application/x-www-form-urlencoded',
      415,
      'content-type',
      'unsupported-media-type',
    ],
    [
      '/v1/things/abc',
      JSON.stringify({ amount: 1, pad: 'x'.repeat(2_000) }),
      'application/json',
      413,
      '(body)',
      'body-too-large',
    ],
    [
      '/v1/things/missing',
      '{"amount": 2, "donor": {"email": "a@example.org"}}',
      'application/json',
      404,
      'campaignId',
      'campaign-not-found',
    ],
  ])(
    'when POST %s gets %s as %s, then it answers %i naming %s',
    async (path, body, type, status, field, code) => {
      const response = await post(path, body, type);
      expect(response.status).toBe(status);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({
        status,
        code,
        field,
        type: `https://diaspora-aid.org/problems/${code}`,
      });
      expect(response.body.detail).toEqual(expect.any(String));
    },
  );

  it('when a domain error has no field, then the mapped status is used and no field is invented', async () => {
    const response = await post('/v1/things/closed', '{"amount": 2, "donor": {"email": "a@example.org"}}');
    expect(response.status).toBe(409);
    expect(response.body.field).toBeUndefined();
  });

  it('when a handler fails unexpectedly, then the answer is a 500 problem without internals', async () => {
    const response = await post('/v1/things/boom', '{"amount": 2, "donor": {"email": "a@example.org"}}');
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain('hunter2');
  });

  it('when an unknown route is called, then it is a 404 problem', async () => {
    const response = await fetch(`${base}/v1/nothing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('when a dependency is down, then /readyz says which with a 503 while /healthz stays up', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not-ready', checks: { database: true, kafka: false } });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('when /openapi.json is read, then it documents the route from the same zod schemas', async () => {
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, any>;
    };
    expect(document.openapi).toBe('3.1.0');
    const operation = document.paths['/v1/things/{id}']?.post;
    expect(operation.summary).toBe('Makes a thing');
    expect(Object.keys(operation.requestBody.content['application/json'].schema.properties)).toEqual([
      'amount',
      'donor',
    ]);
    expect((await fetch(`${base}/docs`)).headers.get('content-type')).toMatch(/text\/html/);
  });
});
