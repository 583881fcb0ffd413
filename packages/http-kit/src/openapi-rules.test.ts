import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@aid/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp, defineRoute, openApiDocument, type Route } from './index.ts';

const wholeNumber = z.coerce.number().int().min(0);
const handle = async () => ({ body: { ok: true } });

const routes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/v1/logs/:id/proof',
    summary: 'A proof',
    tag: 'Logs',
    params: z.object({ id: z.string().regex(/^[a-z]+$/) }),
    query: z.object({
      index: wholeNumber,
      treeSize: wholeNumber,
      limit: wholeNumber.default(10),
      note: z.string().optional(),
    }),
    responses: { 200: { description: 'The proof' } },
    handle,
  }),
  defineRoute({
    method: 'post',
    path: '/v1/logs',
    summary: 'Makes a log',
    tag: 'Logs',
    security: 'bearer',
    authenticate: async () => undefined,
    body: z.object({ name: z.string() }),
    responses: { 201: { description: 'Made' } },
    handle,
  }),
  defineRoute({
    method: 'post',
    path: '/v1/logs/:id/seal',
    summary: 'Seals a log; a comment is optional',
    tag: 'Logs',
    params: z.object({ id: z.string() }),
    body: z.object({ comment: z.string().default('') }),
    responses: { 200: { description: 'Sealed' } },
    handle,
  }),
  defineRoute({
    method: 'get',
    path: '/v1/logs/:id',
    summary: 'A log; drafts for members only',
    tag: 'Logs',
    security: 'optional-bearer',
    authenticate: async () => undefined,
    params: z.object({ id: z.string() }),
    headers: z.object({ 'x-receipt-code': z.string().optional(), 'x-required': z.string() }),
    responses: { 200: { description: 'The log' }, 404: { description: 'Declared by the route itself' } },
    handle,
  }),
  defineRoute({
    method: 'get',
    path: '/v1/status',
    summary: 'Status',
    tag: 'Logs',
    responses: { 200: { description: 'Up' } },
    handle,
  }),
  defineRoute({
    method: 'post',
    path: '/v1/logs/:id/files',
    summary: 'A file',
    tag: 'Logs',
    params: z.object({ id: z.string() }),
    rawBody: { description: 'the file', contentTypes: ['text/csv', 'image/png'] },
    responses: { 201: { description: 'Stored' } },
    handle,
  }),
];

type Operation = {
  parameters?: { name: string; in: string; required: boolean; schema: { type: unknown } }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown;
  requestBody?: { required?: boolean; content: Record<string, unknown> };
};
const document = openApiDocument({ title: 't', version: '1', description: 'd' }, routes);
const operation = (path: string, method: string) =>
  (document.paths as Record<string, Record<string, Operation>>)[path]![method]!;
const parameter = (op: Operation, name: string) =>
  op.parameters?.find((candidate) => candidate.name === name);

describe('OpenAPI generation rules', () => {
  it('when a query parameter is coerced from text, then it is required unless optional or defaulted, and never null', () => {
    const proof = operation('/v1/logs/{id}/proof', 'get');
    expect(parameter(proof, 'index')).toMatchObject({ required: true, schema: { type: 'integer' } });
    expect(parameter(proof, 'treeSize')).toMatchObject({ required: true, schema: { type: 'integer' } });
    expect(parameter(proof, 'limit')).toMatchObject({ required: false, schema: { type: 'integer' } });
    expect(parameter(proof, 'note')?.required).toBe(false);
  });

  it.each([
    ['/v1/logs/{id}/proof', 'get', 'path and query validation'],
    ['/v1/logs', 'post', 'body validation'],
    ['/v1/logs/{id}', 'get', 'path and header validation'],
  ])('when %s %s has %s, then 400 is declared as a problem', (path, method) => {
    expect(operation(path, method).responses['400']?.content).toHaveProperty(['application/problem+json']);
  });

  it('when a route validates nothing and reads no body, then it declares no 400', () => {
    expect(operation('/v1/status', 'get').responses).not.toHaveProperty('400');
  });

  it('when a route reads a JSON body, then 413 and 415 are declared; a raw file route declares its own media types', () => {
    for (const path of ['/v1/logs', '/v1/logs/{id}/seal'])
      expect(Object.keys(operation(path, 'post').responses)).toEqual(
        expect.arrayContaining(['400', '413', '415']),
      );
    const files = operation('/v1/logs/{id}/files', 'post');
    expect(files.responses).not.toHaveProperty('415');
    expect(Object.keys(files.requestBody?.content ?? {})).toEqual(['text/csv', 'image/png']);
  });

  it('when any route is documented, then 429 is declared as a problem', () => {
    for (const [path, method] of [
      ['/v1/status', 'get'],
      ['/v1/logs', 'post'],
      ['/v1/logs/{id}/proof', 'get'],
    ] as const) {
      expect(operation(path, method).responses['429']?.content).toHaveProperty(['application/problem+json']);
    }
  });

  it('when a route authenticates, then 401 is declared; the route’s own description of a status wins', () => {
    expect(operation('/v1/logs', 'post').responses).toHaveProperty('401');
    expect(operation('/v1/logs/{id}', 'get').responses['404']).toEqual({
      description: 'Declared by the route itself',
    });
  });

  it('when a key is optional, then security lists anonymous first; when required, bearer only', () => {
    expect(operation('/v1/logs/{id}', 'get').security).toEqual([{}, { bearer: [] }]);
    expect(operation('/v1/logs', 'post').security).toEqual([{ bearer: [] }]);
    expect(operation('/v1/status', 'get').security).toBeUndefined();
  });

  it('when a body schema refuses {}, then the body is required; when {} is fine, it is optional', () => {
    expect(operation('/v1/logs', 'post').requestBody?.required).toBe(true);
    expect(operation('/v1/logs/{id}/seal', 'post').requestBody?.required).toBe(false);
  });

  it('when a route declares headers, then each is a header parameter, required as its schema says', () => {
    const log = operation('/v1/logs/{id}', 'get');
    expect(parameter(log, 'x-receipt-code')).toMatchObject({ in: 'header', required: false });
    expect(parameter(log, 'x-required')).toMatchObject({ in: 'header', required: true });
  });
});

/** fetch refuses TRACE, so these requests go through node:http. */
function send(
  url: string,
  method: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('methods a path does not serve', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = createHttpApp({
      serviceName: 'logs',
      description: 'Test service',
      logger: createLogger('logs', 'silent'),
      routes,
      statusByCode: {},
      readiness: async () => ({}),
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
  });

  it.each([
    ['TRACE', '/v1/logs/abc', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/v1/logs', 'POST, OPTIONS'],
    ['PUT', '/v1/logs/abc/proof/', 'GET, HEAD, OPTIONS'],
  ])('when %s %s is asked, then it is a 405 problem with Allow: %s', async (method, path, allow) => {
    const response = await send(`${base}${path}`, method);
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe(allow);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({ status: 405, code: 'method-not-allowed' });
  });

  it('when a path no route has is asked, then it is still a 404', async () => {
    expect((await send(`${base}/v1/nothing`, 'TRACE')).status).toBe(404);
  });
});
