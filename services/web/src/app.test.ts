import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWebApp } from './app.ts';
import { LedgerUnavailable, NotOnLedger, type LedgerClient, type Summary } from './ledger-client.ts';

const summary: Summary = { campaignId: 'c1', currency: 'USD', raised: 250_000, fees: 7_500, refunded: 0, net: 242_500, allocated: 100_000, paidOut: 100_000, delivered: 100_000, beneficiaries: 1200, gifts: 12, localShare: 0.8, entries: 2 };
const campaign = { campaignId: 'c1', organizationName: 'Hope <Org>', title: 'Sindh floods', summary: 'Water & shelter', goal: { amount: 1_000_000, currency: 'USD' }, crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' }, status: 'active', publishedAt: '2026-01-01T00:00:00Z' };

function fakeLedger(overrides: Partial<LedgerClient> = {}): LedgerClient {
  return {
    campaigns: async () => ({ campaigns: [{ campaign, summary }] }),
    summary: async (id) => {
      if (id !== 'c1') throw new NotOnLedger(id);
      return summary;
    },
    entries: async () => ({ entries: [{ index: 0, leaf: '', entry: { kind: 'gift', time: '2026-01-02T00:00:00Z', amount: 2500, donor: { displayName: '<script>x</script>' } } }] }),
    trace: async () => {
      throw new NotOnLedger('trace');
    },
    ready: async () => true,
    ...overrides,
  };
}

let server: Server | undefined;
async function start(ledger: LedgerClient): Promise<string> {
  const app = buildWebApp({ ledger, ledgerUrl: 'http://127.0.0.1:9', logger: createLogger('web-test', 'silent') });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(() => {
  server?.close();
});

describe('web pages', () => {
  it('when the campaign list is shown, then figures come formatted from the ledger and names are escaped', async () => {
    const base = await start(fakeLedger());
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('$2,500.00');
    expect(page).toContain('Hope &lt;Org&gt;');
    expect(page).not.toContain('Hope <Org>');
  });

  it('when a campaign page is shown, then it lists the money figures, share to local actors and escaped entries', async () => {
    const base = await start(fakeLedger());
    const response = await fetch(`${base}/campaigns/c1`);
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toContain('Share paid to local actors');
    expect(page).toContain('80%');
    expect(page).toContain('&lt;script&gt;');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('when a campaign has no public record, then the page is a 404', async () => {
    const base = await start(fakeLedger());
    expect((await fetch(`${base}/campaigns/nope`)).status).toBe(404);
  });

  it.each([
    ['', 400],
    ['too-short', 400],
    ['UNKNOWN-RECEIPT-CODE-123456', 404],
  ])('when the receipt code %j is traced, then the page answers %i and keeps the code out of the URL', async (code, status) => {
    const base = await start(fakeLedger());
    const response = await fetch(`${base}/trace`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ receiptCode: code }) });
    expect(response.status).toBe(status);
    expect(response.url).toBe(`${base}/trace`);
  });

  it('when the ledger does not answer, then pages say so with a 503 and readiness fails', async () => {
    const base = await start(fakeLedger({ campaigns: async () => { throw new LedgerUnavailable('down'); }, ready: async () => false }));
    expect((await fetch(`${base}/`)).status).toBe(503);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
  });
});
