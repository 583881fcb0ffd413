import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWebApp } from './app.ts';
import { createHash } from 'node:crypto';
import {
  LedgerUnavailable,
  NotOnLedger,
  type Breakdowns,
  type LedgerClient,
  type Summary,
  type Timeseries,
  type TraceView,
} from './ledger-client.ts';

const summary: Summary = {
  campaignId: 'c1',
  currency: 'USD',
  raised: 250_000,
  fees: 7_500,
  refunded: 0,
  net: 242_500,
  allocated: 100_000,
  paidOut: 100_000,
  delivered: 100_000,
  beneficiaries: 1200,
  gifts: 12,
  localShare: 0.8,
  entries: 2,
};
const campaign = {
  campaignId: 'c1',
  organizationName: 'Hope <Org>',
  title: 'Sindh floods',
  summary: 'Water & shelter',
  goal: { amount: 1_000_000, currency: 'USD' },
  crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
  status: 'active',
  publishedAt: '2026-01-01T00:00:00Z',
};

const leafOf = (entry: object) => Buffer.from(JSON.stringify(entry)).toString('base64');
const giftEntry = {
  kind: 'gift',
  time: '2026-01-02T00:00:00Z',
  amount: 2500,
  fee: 100,
  net: 2400,
  currency: 'USD',
  donor: { displayName: '<script>x</script>' },
};

const timeseries: Timeseries = {
  campaignId: 'c1',
  currency: 'USD',
  days: [
    {
      date: '2026-01-03',
      raised: 150_000,
      fees: 4_500,
      refunded: 0,
      allocated: 100_000,
      paidOut: 100_000,
      delivered: 100_000,
      beneficiaries: 1200,
    },
    {
      date: '2026-01-02',
      raised: 100_000,
      fees: 3_000,
      refunded: 0,
      allocated: 0,
      paidOut: 0,
      delivered: 0,
      beneficiaries: 0,
    },
  ],
};

const breakdowns: Breakdowns = {
  campaignId: 'c1',
  currency: 'USD',
  bySector: [{ sector: 'WASH', allocated: 100_000, paidOut: 100_000, delivered: 100_000 }],
  byRecipient: [
    {
      name: 'Hyderabad <Water> Committee',
      country: 'PK',
      local: true,
      allocated: 100_000,
      paidOut: 100_000,
      delivered: 100_000,
      beneficiaries: 1200,
    },
  ],
  donorGeography: {
    minimumGroup: 5,
    byResidence: [{ country: 'GB', donors: 7 }],
    byHeritage: [],
    otherResidence: 5,
    otherHeritage: null,
  },
};

const trace: TraceView = {
  donation: { amount: 2500, net: 2400, fee: 100, currency: 'USD', time: '2026-01-02T00:00:00Z' },
  allocations: [{ disbursementId: 'd1', amount: 1000 }],
  disbursements: [
    {
      disbursementId: 'd1',
      recipient: { name: 'Hyderabad Water Committee', country: 'PK', local: true },
      purpose: 'Water filters',
    },
  ],
  payouts: [{ disbursementId: 'd1' }],
  deliveries: [
    {
      disbursementId: 'd1',
      description: '120 filters',
      beneficiaries: 40,
      location: { area: 'Dadu', country: 'PK' },
    },
  ],
  entries: [{ index: 1, leaf: leafOf(giftEntry), entry: giftEntry }],
  proof: {
    campaignId: 'c1',
    leafIndex: 1,
    treeSize: 6,
    leafHash: 'ab'.repeat(32),
    hashes: ['AAAA'],
    checkpoint: 'ledger.test\n6\nroot</script><script>alert(1)\n\n— sig x\n',
  },
};

/** A log of `total` gifts: its pages and its latest entries. */
function entriesUpTo(total: number): Pick<LedgerClient, 'entries' | 'latestEntries'> {
  const entries: LedgerClient['entries'] = async (_id, from, limit) => ({
    entries: Array.from({ length: Math.max(0, Math.min(limit, total - from)) }, (_, offset) => ({
      index: from + offset,
      leaf: leafOf(giftEntry),
      entry: giftEntry,
    })),
  });
  return { entries, latestEntries: (id, count) => entries(id, Math.max(0, total - count), count) };
}

function fakeLedger(overrides: Partial<LedgerClient> = {}): LedgerClient {
  const fake: LedgerClient = {
    campaigns: async () => ({ campaigns: [{ campaign, summary }] }),
    campaign: async (id) => (id === 'c1' ? campaign : null),
    // The campaign's own summary, whatever a test made of it.
    campaignWithSummary: async (id) => (id === 'c1' ? { campaign, summary: await fake.summary(id) } : null),
    summary: async (id) => {
      if (id !== 'c1') throw new NotOnLedger(id);
      return summary;
    },
    ...entriesUpTo(summary.entries),
    timeseries: async () => timeseries,
    breakdowns: async () => breakdowns,
    verifierKey: async () => 'ledger.test+12345678+AQ',
    trace: async () => {
      throw new NotOnLedger('trace');
    },
    ready: async () => true,
    ...overrides,
  };
  return fake;
}

let server: Server | undefined;
async function start(ledger: LedgerClient): Promise<string> {
  const app = buildWebApp({
    ledger,
    ledgerUrl: 'http://127.0.0.1:9',
    logger: createLogger('web-test', 'silent'),
    missingMessages: 'mark',
  });
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

  it('when money was refunded, then the progress toward the goal and the campaign figures count what was raised after refunds', async () => {
    // The audit's case: $931.70 given, $416.00 of it refunded.
    const refunded = { ...summary, raised: 93_170, fees: 2_800, refunded: 41_600, net: 48_770 };
    const base = await start(
      fakeLedger({
        campaigns: async () => ({ campaigns: [{ campaign, summary: refunded }] }),
        summary: async () => refunded,
      }),
    );
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toContain('$515.70 raised after refunds, of $10,000.00 (5.2%)');
    expect(home).toContain(
      '<progress max="1" value="0.0516" aria-label="Share of the goal raised after refunds">',
    );
    expect(home).not.toContain('$931.70');
    const page = await (await fetch(`${base}/campaigns/c1`)).text();
    expect(page).toContain('<dt>Raised after refunds</dt><dd>$515.70</dd>');
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

  it('when a campaign is not on the first page of the list, then its page still shows its title', async () => {
    const base = await start(fakeLedger({ campaigns: async () => ({ campaigns: [] }) }));
    const page = await (await fetch(`${base}/campaigns/c1`)).text();
    expect(page).toContain('Sindh floods');
  });

  it('when a campaign has no public record, then the page is a 404', async () => {
    const base = await start(fakeLedger());
    expect((await fetch(`${base}/campaigns/nope`)).status).toBe(404);
  });

  it.each([
    ['', 400],
    ['too-short', 400],
    ['UNKNOWN-RECEIPT-CODE-123456', 404],
  ])(
    'when the receipt code %j is traced, then the page answers %i and keeps the code out of the URL',
    async (code, status) => {
      const base = await start(fakeLedger());
      const response = await fetch(`${base}/trace`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ receiptCode: code }),
      });
      expect(response.status).toBe(status);
      expect(response.url).toBe(`${base}/trace`);
    },
  );

  it('when the ledger does not answer, then pages say so with a 503 and readiness fails', async () => {
    const base = await start(
      fakeLedger({
        campaigns: async () => {
          throw new LedgerUnavailable('down');
        },
        ready: async () => false,
      }),
    );
    expect((await fetch(`${base}/`)).status).toBe(503);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
  });

  it('when a campaign page is shown with a time series, then the chart is an accessible SVG with its numbers in a table', async () => {
    const base = await start(fakeLedger());
    const page = await (await fetch(`${base}/campaigns/c1`)).text();
    expect(page).toMatch(
      /<svg role="img" aria-labelledby="chart-title"[^>]*><title id="chart-title">Running totals from Jan 2, 2026 to Jan 3, 2026: raised \$2,500.00, allocated \$1,000.00, paid out \$1,000.00, delivered \$1,000.00.<\/title>/,
    );
    expect(page).toContain('<caption>Running totals by day</caption>');
    // The running total on the first day, then the sum of both days.
    expect(page).toContain('<td>$1,000.00</td><td>$0.00</td>');
    expect(page).toContain('<td>$2,500.00</td><td>$1,000.00</td>');
  });

  it('when the ledger serves no time series or breakdowns yet, then the page says so and still shows the figures', async () => {
    const base = await start(fakeLedger({ timeseries: async () => null, breakdowns: async () => null }));
    const response = await fetch(`${base}/campaigns/c1`);
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toContain('No time series yet');
    expect(page).not.toContain('<svg role="img"');
    expect(page).not.toContain('By sector');
    expect(page).toContain('Share paid to local actors');
  });

  it('when breakdowns are served, then sectors, recipients (escaped, with the local flag) and donor counts by country, with other countries together, show', async () => {
    const base = await start(fakeLedger());
    const page = await (await fetch(`${base}/campaigns/c1`)).text();
    expect(page).toContain('<th scope="row">WASH</th>');
    expect(page).toContain(
      'Hyderabad &lt;Water&gt; Committee <span class="meta">(Pakistan)</span></th><td class="num" data-label="Local actor">Yes</td>',
    );
    expect(page).toContain('<th scope="row">United Kingdom</th><td class="num" data-label="Donors">7</td>');
    expect(page).toContain('<th scope="row">Other countries</th><td class="num" data-label="Donors">5</td>');
    expect(page).toContain('fewer than 5 such donors are not shown, so that no donor can be singled out.');
    expect(page).not.toContain('data-label="Given"');
    expect(page).toContain(
      'Country of heritage</h3><p>Donors by country of heritage: no country has enough donors to show yet.</p>',
    );
  });

  it('when a campaign page is shown, then it links the open-data exports and the ledger explorer', async () => {
    const base = await start(fakeLedger());
    const page = await (await fetch(`${base}/campaigns/c1`)).text();
    for (const format of ['csv', 'json', 'iati.xml'])
      expect(page).toContain(`href="/api/ledger/v1/campaigns/c1/export.${format}"`);
    expect(page).toContain('href="/campaigns/c1/ledger"');
  });

  it('when the explorer is opened at an offset, then it shows 50 entries with their leaf hashes, hidden verify buttons and pager links', async () => {
    const base = await start(
      fakeLedger({ summary: async () => ({ ...summary, entries: 120 }), ...entriesUpTo(120) }),
    );
    const response = await fetch(`${base}/campaigns/c1/ledger?from=50`);
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page.match(/<tr data-index=/g)).toHaveLength(50);
    expect(page).toContain('Entries 50 to 99 of 120');
    const hash = createHash('sha256')
      .update(Buffer.from([0]))
      .update(Buffer.from(JSON.stringify(giftEntry)))
      .digest('hex');
    expect(page).toContain(`<tr data-index="50" data-leaf-hash="${hash}">`);
    expect(page).toContain('href="/campaigns/c1/ledger?from=0" rel="prev"');
    expect(page).toContain('href="/campaigns/c1/ledger?from=100" rel="next"');
    expect(page).toContain('<button type="button" class="verify" hidden');
    expect(page).toContain('<script type="module" src="/static/js/ledger-explorer.js"></script>');
  });

  it.each(['-1', 'abc', '1.5', '9999999999'])(
    'when the explorer is asked for from=%j, then it answers 400',
    async (from) => {
      const base = await start(fakeLedger());
      expect((await fetch(`${base}/campaigns/c1/ledger?from=${from}`)).status).toBe(400);
    },
  );

  it('when the explorer is asked for an unknown campaign, then it answers 404', async () => {
    const base = await start(fakeLedger());
    expect((await fetch(`${base}/campaigns/nope/ledger`)).status).toBe(404);
  });

  it('when a gift is traced, then the page embeds its proof as JSON that cannot close its script tag, and shows the figures the browser checks', async () => {
    const base = await start(fakeLedger({ trace: async () => trace }));
    const response = await fetch(`${base}/trace`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ receiptCode: 'RCPT-TEST-ABCDEFGHIJKLMNOP' }),
    });
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toContain(
      'data-amount="2500" data-fee="100" data-net="2400" data-currency="USD" data-time="2026-01-02T00:00:00Z"',
    );
    expect(page).toContain('role="status" aria-live="polite"');
    const json = /<script type="application\/json" id="trace-proof">(.*?)<\/script>/s.exec(page)?.[1] ?? '';
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({
      campaignId: 'c1',
      leafIndex: 1,
      treeSize: 6,
      hashes: ['AAAA'],
      checkpoint: trace.proof.checkpoint,
      entries: [{ index: 1, leaf: leafOf(giftEntry) }],
    });
    // Every script is either an external module or data: the CSP allows no inline code.
    expect(page.match(/<script[^>]*>/g)?.sort()).toEqual([
      '<script type="application/json" id="trace-messages">',
      '<script type="application/json" id="trace-proof">',
      '<script type="module" src="/static/js/trace-verify.js">',
    ]);
    expect(page).toContain('href="/campaigns/c1/ledger?from=0"');
  });

  it("when the browser loads the verifier, then it is the project's verifier with its types stripped, and it computes RFC 6962 leaf hashes", async () => {
    const base = await start(fakeLedger());
    const response = await fetch(`${base}/static/js/verify.js`);
    const source = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(source).toContain('export async function verifyInclusion(');
    expect(source).not.toMatch(/: Uint8Array|interface /);
    const verifier = (await import(
      `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
    )) as { leafHash(bytes: Uint8Array): Promise<Uint8Array> };
    const expected = createHash('sha256')
      .update(Buffer.from([0, 104, 105]))
      .digest('hex');
    expect(Buffer.from(await verifier.leafHash(new Uint8Array([104, 105]))).toString('hex')).toBe(expected);
  });

  it('when the browser scripts are requested, then they are served as JavaScript from this origin', async () => {
    const base = await start(fakeLedger());
    for (const name of ['proof', 'trace-verify', 'ledger-explorer']) {
      const response = await fetch(`${base}/static/js/${name}.js`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/javascript/);
    }
  });

  it('when the ledger page is explained, then the published verifier key is shown', async () => {
    const base = await start(fakeLedger());
    expect(await (await fetch(`${base}/about-the-ledger`)).text()).toContain('ledger.test+12345678+AQ');
  });

  describe("in the reader's language", () => {
    const traced = (base: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/trace`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ receiptCode: 'RCPT-TEST-ABCDEFGHIJKLMNOP' }),
      });

    it('when the address names Arabic, then the page is Arabic, right to left, and the choice is remembered in a cookie', async () => {
      const base = await start(fakeLedger());
      const response = await fetch(`${base}/campaigns/c1?lang=ar`);
      const page = await response.text();
      expect(page).toContain('<html lang="ar" dir="rtl">');
      expect(page).toContain('<h2 id="money">أين المال</h2>');
      expect(response.headers.get('content-language')).toBe('ar');
      expect(response.headers.get('vary')).toMatch(/Cookie.*Accept-Language/);
      expect(response.headers.get('set-cookie')).toMatch(
        /^lang=ar; Max-Age=31536000; Path=\/; Expires=.*; SameSite=Lax$/,
      );
      // Values from the ledger are escaped in every language.
      expect(page).toContain('Hope &lt;Org&gt;');
      expect(page).not.toContain('Hope <Org>');
    });

    it('when only the cookie names Ukrainian, then the page is Ukrainian and no cookie is set again', async () => {
      const base = await start(fakeLedger());
      const response = await fetch(`${base}/`, {
        headers: { cookie: 'other=1; lang=uk', 'accept-language': 'fr' },
      });
      const page = await response.text();
      expect(page).toContain('<html lang="uk" dir="ltr">');
      expect(page).toContain('Кампанії допомоги в кризах');
      expect(response.headers.get('set-cookie')).toBeNull();
    });

    it('when only the browser asks for Somali, then the page is Somali; when it asks for none we speak, English', async () => {
      const base = await start(fakeLedger());
      expect(
        await (await fetch(`${base}/`, { headers: { 'accept-language': 'so-SO,so;q=0.9,en;q=0.5' } })).text(),
      ).toContain('<html lang="so" dir="ltr">');
      expect(
        await (await fetch(`${base}/`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } })).text(),
      ).toContain('<html lang="en" dir="ltr">');
      const unknown = await fetch(`${base}/?lang=xx`, { headers: { 'accept-language': 'ur' } });
      expect(await unknown.text()).toContain('<html lang="ur" dir="rtl">');
      expect(unknown.headers.get('set-cookie')).toBeNull();
    });

    it('when the picker is shown, then each language links to this same page with its other parameters kept', async () => {
      const base = await start(fakeLedger());
      const page = await (await fetch(`${base}/campaigns/c1/ledger?from=0&lang=fr`)).text();
      expect(page).toContain('<nav class="languages" aria-label="Langue">');
      expect(page).toContain(
        '<a href="/campaigns/c1/ledger?from=0&amp;lang=so" hreflang="so" lang="so">Soomaali</a>',
      );
      expect(page).toContain(
        '<a href="/campaigns/c1/ledger?from=0&amp;lang=fr" hreflang="fr" lang="fr" aria-current="true">Français</a>',
      );
      expect(page.match(/hreflang="/g)).toHaveLength(8);
    });

    it("when a trace is answered in Urdu, then its words, the script's words and the picker (back to the form) are Urdu", async () => {
      const base = await start(fakeLedger({ trace: async () => trace }));
      const page = await (await traced(base, { cookie: 'lang=ur' })).text();
      expect(page).toMatch(/<title>[^<]*آپ کا عطیہ[^<]*<\/title>/);
      const messages = JSON.parse(
        /<script type="application\/json" id="trace-messages">(.*?)<\/script>/s.exec(page)?.[1] ?? '{}',
      );
      expect(messages.passedHeadline).toBe(
        'تصدیق ہو گئی: آپ کا عطیہ دستخط شدہ عوامی ریکارڈ میں 6 میں سے اندراج نمبر 1 ہے۔',
      );
      expect(messages.failedDetail).toContain('{reason}');
      expect(page).toContain('<a href="/trace?lang=en" hreflang="en" lang="en">English</a>');
    });

    it('when a bad receipt code is sent in Spanish, then the error beside the field is Spanish', async () => {
      const base = await start(fakeLedger());
      const response = await fetch(`${base}/trace`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'es' },
        body: 'receiptCode=short',
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(
        '<p role="alert" class="error">Eso no parece un código de recibo: es el código largo que recibió al donar.</p>',
      );
    });

    it.each(['en', 'fr', 'ar', 'ur', 'so', 'es', 'uk', 'ht'])(
      'when every page is rendered in %s, then no message is missing (a missing one would show as ⟦key⟧)',
      async (locale) => {
        const base = await start(fakeLedger({ trace: async () => trace }));
        const headers = { cookie: `lang=${locale}` };
        const pages = await Promise.all(
          [
            '/',
            '/campaigns/c1',
            '/campaigns/c1/ledger',
            '/campaigns/c1/ledger?from=x',
            '/trace',
            '/about-the-ledger',
            '/nowhere',
            '/campaigns/zz',
          ].map(async (path) => (await fetch(`${base}${path}`, { headers })).text()),
        );
        pages.push(await (await traced(base, headers)).text());
        for (const page of pages) {
          expect(page).toContain(`<html lang="${locale}"`);
          expect(page).not.toContain('⟦');
        }
      },
    );
  });
});
