import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerRateLimited, LedgerUnavailable, NotOnLedger, ledgerClient } from './ledger-client.ts';

// A ledger that answers each path as the test says: how its statuses reach the pages.
const answers: Record<string, { status: number; body: string; headers?: Record<string, string> }> = {
  '/v1/campaigns/c1/summary': { status: 200, body: JSON.stringify({ campaignId: 'c1', net: 100 }) },
  '/v1/campaigns/gone/summary': { status: 404, body: '{"code":"campaign-not-found"}' },
  '/v1/campaigns/busy/summary': { status: 429, body: '{}', headers: { 'retry-after': '7' } },
  '/v1/campaigns/broken/summary': { status: 500, body: '{}' },
  '/v1/campaigns/cut/summary': { status: 200, body: '{"campaignId":' },
  '/v1/campaigns/c1/timeseries': { status: 503, body: '{}' },
};

describe('the ledger client', () => {
  let server: Server;
  let url: string;
  const forwarded: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      forwarded.push(request.headers['x-forwarded-for'] as string | undefined);
      const answer = answers[request.url ?? ''] ?? { status: 404, body: '{}' };
      response
        .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        .end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('when the ledger answers, then the page gets its figures; a 404 is "not on the ledger", a 429 says how long to wait', async () => {
    const ledger = ledgerClient(url);
    expect(await ledger.summary('c1')).toEqual({ campaignId: 'c1', net: 100 });
    await expect(ledger.summary('gone')).rejects.toBeInstanceOf(NotOnLedger);
    await expect(ledger.summary('busy')).rejects.toMatchObject({ retryAfter: 7 });
    await expect(ledger.summary('busy')).rejects.toBeInstanceOf(LedgerRateLimited);
  });

  it('when the ledger fails, cuts its answer short or is not there, then the page is told it is unavailable', async () => {
    await expect(ledgerClient(url).summary('broken')).rejects.toBeInstanceOf(LedgerUnavailable);
    await expect(ledgerClient(url).summary('cut')).rejects.toBeInstanceOf(LedgerUnavailable);
    await expect(ledgerClient('http://127.0.0.1:9').summary('c1')).rejects.toBeInstanceOf(LedgerUnavailable);
    expect(await ledgerClient('http://127.0.0.1:9').ready()).toBe(false);
  });

  it('when an optional part is not served, then it is absent, and a trace carries the visitor address', async () => {
    const ledger = ledgerClient(url);
    expect(await ledger.timeseries('c1')).toBeNull();
    expect(await ledger.ready()).toBe(false);
    forwarded.length = 0;
    await ledger.trace('RCPT-0000-0000-0000', '203.0.113.9').catch(() => undefined);
    expect(forwarded).toEqual(['203.0.113.9']);
  });
});
