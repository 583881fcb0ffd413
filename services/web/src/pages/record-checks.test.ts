import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger } from '@aid/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { buildWebApp } from '../app.ts';
import type { LedgerClient, Summary } from '../ledger-client.ts';
import { pageContext } from './page-context.ts';
import { recordChecksPage, type RecordChecks } from './record-checks.ts';

const english = pageContext({ locale: 'en', url: '/record-checks', missing: 'mark' });

const summary: Summary = {
  campaignId: 'c1',
  currency: 'USD',
  raised: 45_000,
  fees: 1_453,
  refunded: 35_000,
  net: 8_547,
  allocated: 9_622,
  paidOut: 0,
  delivered: 0,
  beneficiaries: 0,
  gifts: 3,
  localShare: 0,
  entries: 8,
};
const campaign = {
  campaignId: 'c1',
  organizationName: 'Hope',
  title: 'Sindh <floods>',
  summary: 'Water',
  goal: { amount: 1_000_000, currency: 'USD' },
  crisis: { kind: 'flood', countries: ['PK'] },
  status: 'active',
  publishedAt: '2026-01-01T00:00:00Z',
};
const campaigns = new Map([['c1', { campaign, summary }]]);

const clean: RecordChecks = {
  checkedAt: '2026-12-04T21:00:00.000Z',
  status: 'clean',
  campaigns: 1,
  sources: [],
  breaches: [],
  differences: [],
  unreachable: [],
};
const breached: RecordChecks = {
  ...clean,
  status: 'breaches',
  breaches: [
    { campaignId: 'c1', invariant: 'campaign-allocated-within-net', value: 9_622, limit: 8_547 },
    {
      campaignId: 'c1',
      invariant: 'gift-allocated-within-net',
      donationId: 'g<1>',
      value: 3_000,
      limit: 2_400,
    },
  ],
};

describe('the record checks page', () => {
  it('when every rule holds, then it says first, in plain words, that the money adds up', () => {
    const page = recordChecksPage(english, clean, campaigns);
    expect(page).toMatch(/class="verification passed"><p><strong>The money adds up<\/strong>/);
    expect(page).not.toContain('What is wrong');
  });

  it('when the record breaks rules, then it says so first and names each, with money in the campaign currency and every value escaped', () => {
    const page = recordChecksPage(english, breached, campaigns);
    expect(page).toMatch(
      /class="verification failed"><p><strong>The money does not add up<\/strong><\/p><p>The public record breaks 2 rules/,
    );
    expect(page).toContain(
      'More money is allocated to aid ($96.22) than the campaign holds after fees and refunds ($85.47).',
    );
    expect(page).toContain(
      'A gift is allocated to aid ($30.00) beyond what it brought after fees and refunds ($24.00).',
    );
    expect(page).toContain('<a href="/campaigns/c1">Sindh &lt;floods&gt;</a>');
    expect(page).toContain('<code class="hash">g&lt;1&gt;</code>');
    expect(page).not.toContain('g<1>');
  });

  it('when the books disagree, then the figure is named as the campaign page names it, in the service’s words', () => {
    const page = recordChecksPage(
      english,
      {
        ...clean,
        status: 'differences',
        sources: ['donation'],
        differences: [
          { campaignId: 'c1', source: 'donation', field: 'refunded', ledger: 35_000, service: 36_000 },
        ],
      },
      campaigns,
    );
    expect(page).toContain(
      '<li><a href="/campaigns/c1">Sindh &lt;floods&gt;</a>: “Refunded” is 35,000 on the public record and 36,000 in the books of the payment service (minor units).</li>',
    );
    expect(page).toContain('The public record is also compared with the books of the payment service.');
    expect(page).toContain('<time datetime="2026-12-04T21:00:00.000Z">Dec 4, 2026, 09:00');
  });

  it('when read in Arabic, then every message of the page is translated, right to left, with amounts in the campaign currency', () => {
    const arabic = pageContext({ locale: 'ar', url: '/record-checks?lang=ar', missing: 'mark' });
    const page = recordChecksPage(arabic, { ...breached, sources: ['donation', 'disbursement'] }, campaigns);
    expect(page).not.toContain('⟦');
    expect(page).toContain('<html lang="ar" dir="rtl">');
    expect(page).toContain('الأموال غير متطابقة');
    expect(page).toContain('يخالف السجل العام قاعدتين');
    expect(page).toContain(arabic.fmt.money(9_622, 'USD'));
  });

  it('when the ledger does not answer, then it says the checks are not available rather than anything reassuring', () => {
    const page = recordChecksPage(english, null, campaigns);
    expect(page).toContain('The checks are not available right now');
    expect(page).not.toContain('adds up<');
  });
});

describe('GET /record-checks', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  it('when asked, then the page is served from the ledger’s latest check, and every page links to it', async () => {
    const ledger = {
      campaigns: async () => ({ campaigns: [{ campaign, summary }] }),
    } as unknown as LedgerClient;
    const app = buildWebApp({
      ledger,
      ledgerUrl: 'http://127.0.0.1:9',
      logger: createLogger('web-test', 'silent'),
      recordChecks: async () => breached,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/record-checks`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('The money does not add up');
    expect(page).toContain('<a href="/record-checks">Does the money add up?</a>');
  });
});
