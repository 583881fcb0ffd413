import { randomBytes } from 'node:crypto';
import { requestFrom } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerForTest } from './test-support/start-ledger.ts';

let ledger: Awaited<ReturnType<typeof startLedgerForTest>>;
const metricsToken = randomBytes(24).toString('base64url');

beforeAll(async () => {
  ledger = await startLedgerForTest({
    RATE_LIMIT_TRACE_PER_ADDRESS: '2/1m',
    RATE_LIMIT_RECONCILIATION_FRESH: '2/1m',
    METRICS_TOKEN: metricsToken,
    // Nothing answers there: a check finds the services unreachable, which is quick and enough here.
    DONATION_URL: 'http://127.0.0.1:9',
    DISBURSEMENT_URL: 'http://127.0.0.1:9',
  });
}, 60_000);

afterAll(async () => {
  await ledger?.stop();
});

function expectTooMany(
  response: { status: number; headers: Record<string, string | string[] | undefined>; text: string },
  policy: string,
) {
  expect(response.status).toBe(429);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(response.text)).toMatchObject({ status: 429, code: 'too-many-requests' });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  expect(String(response.headers.ratelimit)).toMatch(new RegExp(`"${policy}"; r=0; t=\\d+`));
}

describe('rate limits on the ledger', () => {
  it('when one address keeps tracing receipt codes, then it gets 429 while another address is still answered', async () => {
    const trace = (from: string) =>
      requestFrom(from, `${ledger.url}/v1/trace/${randomBytes(16).toString('hex')}`);
    expect((await trace('127.88.0.1')).status).toBe(404);
    expect((await trace('127.88.0.1')).status).toBe(404);
    expectTooMany(await trace('127.88.0.1'), 'trace-lookups-per-address');
    expect((await trace('127.88.0.2')).status).toBe(404);
  });

  it('when on-demand reconciliations are asked for from anywhere, then only a few run, and the latest report is still served', async () => {
    const fresh = (from: string) => requestFrom(from, `${ledger.url}/v1/reconciliation?fresh=true`);
    expect((await fresh('127.88.1.1')).status).toBe(200);
    const second = await fresh('127.88.1.2');
    expect(second.status).toBe(200);
    expectTooMany(await fresh('127.88.1.3'), 'fresh-reconciliations');
    const latest = await requestFrom('127.88.1.3', `${ledger.url}/v1/reconciliation`);
    expect(latest.status).toBe(200);
    // The report of the last check that ran, not a new one.
    expect(JSON.parse(latest.text)).toEqual(JSON.parse(second.text));
  });

  it('when /metrics is asked for on the public port, then it is not there; the metrics port serves it, with the token only', async () => {
    expect((await fetch(`${ledger.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${ledger.metricsUrl}/metrics`)).status).toBe(401);
    expect(
      (
        await fetch(`${ledger.metricsUrl}/metrics`, {
          headers: { authorization: 'Bearer not-the-token-at-all' },
        })
      ).status,
    ).toBe(401);
    const metrics = await fetch(`${ledger.metricsUrl}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('aid_reconciliation_differences');
  });
});
