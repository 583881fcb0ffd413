import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from './app.ts';
import { ledgerClient } from './ledger-client.ts';

/** A stand-in for the ledger that records what reaches it; traces are over their limit. */
const seen: { path: string; forwardedFor: string | undefined }[] = [];
let ledgerServer: Server;
let webServer: Server;
let web: string;

const listen = (app: express.Express) =>
  new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });

beforeAll(async () => {
  const ledger = express();
  ledger.use((request, response) => {
    seen.push({ path: request.path, forwardedFor: request.headers['x-forwarded-for'] as string | undefined });
    if (request.path.startsWith('/v1/trace/')) {
      response.status(429).set({
        'retry-after': '42',
        ratelimit: '"trace-lookups-per-address"; r=0; t=42',
        'ratelimit-policy': '"trace-lookups-per-address"; q=30; w=60',
      });
      response
        .type('application/problem+json')
        .send(JSON.stringify({ status: 429, code: 'too-many-requests' }));
      return;
    }
    response.json({ path: request.path });
  });
  ledgerServer = await listen(ledger);
  const ledgerUrl = `http://127.0.0.1:${(ledgerServer.address() as AddressInfo).port}`;
  // The test plays the visitors' proxy (trusted: loopback) and names each visitor.
  webServer = await listen(
    buildWebApp({
      ledger: ledgerClient(ledgerUrl),
      ledgerUrl,
      logger: createLogger('web-test', 'silent'),
      trustProxy: ['loopback'],
    }),
  );
  web = `http://127.0.0.1:${(webServer.address() as AddressInfo).port}`;
});

afterAll(() => {
  webServer?.close();
  ledgerServer?.close();
});

describe('the ledger API under /api/ledger', () => {
  it.each(['metrics', 'v1/reconciliation?fresh=true', 'healthz', 'docs'])(
    'when /api/ledger/%s is asked for, then it is not proxied (404) and never reaches the ledger',
    async (path) => {
      seen.length = 0;
      const response = await fetch(`${web}/api/ledger/${path}`);
      expect(response.status).toBe(404);
      expect(seen).toEqual([]);
    },
  );

  it.each(['v1/campaigns/c1/summary', 'v1/checkpoint', 'v1/verifier-key', 'openapi.json'])(
    'when /api/ledger/%s is asked for, then the public API answers',
    async (path) => {
      const response = await fetch(`${web}/api/ledger/${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ path: `/${path}` });
    },
  );

  it('when a visitor traces through the proxy, then the ledger learns their address and its 429 comes back with Retry-After and RateLimit', async () => {
    seen.length = 0;
    const response = await fetch(`${web}/api/ledger/v1/trace/abcdefghijklmnop`, {
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('42');
    expect(response.headers.get('ratelimit')).toBe('"trace-lookups-per-address"; r=0; t=42');
    expect(response.headers.get('ratelimit-policy')).toContain('q=30');
    expect(seen).toEqual([{ path: '/v1/trace/abcdefghijklmnop', forwardedFor: '198.51.100.7' }]);
  });

  it('when a visitor uses the trace form too often, then the page says to wait, with a 429 and Retry-After', async () => {
    seen.length = 0;
    const response = await fetch(`${web}/trace`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '198.51.100.8' },
      body: new URLSearchParams({ receiptCode: 'RCPT-TEST-ABCDEFGHIJKLMNOP' }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('42');
    expect(await response.text()).toContain('Too many receipt lookups');
    expect(seen).toEqual([{ path: '/v1/trace/RCPT-TEST-ABCDEFGHIJKLMNOP', forwardedFor: '198.51.100.8' }]);
  });

  it('when any page is served, then the CSP is as strict as before and helmet adds its protections', async () => {
    const response = await fetch(`${web}/trace`);
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'self';img-src 'self' data:;style-src 'self';script-src 'self';frame-ancestors 'none'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });
});
