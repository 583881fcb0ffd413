/// <reference lib="dom" />
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { topics } from '@aid/contracts';
import { supportedLocales, textDirection, type Locale } from '@aid/i18n';
import { chromiumPath } from '@aid/local-infra';
import { createLogger } from '@aid/telemetry';
import { eventually, publishRaw, testEndpoints } from '@aid/test-kit';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  giftSucceeded,
} from '@aid/test-kit/record-events';
import { startLedgerProcess, type ServiceProcess } from '@aid/test-kit/service-processes';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from './app.ts';
import { ledgerClient } from './ledger-client.ts';
import type { RecordChecks } from './pages/record-checks.ts';

// Every page in every language, at a phone's width and a desktop's; screenshots land here (git-ignored).
const screenshotsDir = fileURLToPath(new URL('../.screenshots/', import.meta.url));

type Ledger = ServiceProcess;
type TestEvent = ReturnType<typeof campaignPublished>;

const on = (event: TestEvent, date: string): TestEvent => ({ ...event, time: `${date}T09:00:00.000Z` });
const topicOf = (event: TestEvent) =>
  event.type.includes('.campaign.')
    ? topics.campaign
    : event.type.includes('.donation.')
      ? topics.donation
      : topics.disbursement;

// A title of its own, so pages of other tests' campaigns on the shared topics are not mistaken for it.
const snapshot = campaignSnapshot({
  title: 'Rebuilding schools after the Jowhar floods',
  summary: 'Classrooms, desks and books for 12 schools along the Shabelle river',
});
const campaignId = snapshot.campaignId;
const receiptCode = 'LANG-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6723';
const giftA = '019a0000-0000-7000-8000-0000000000aa';
const giftB = '019a0000-0000-7000-8000-0000000000bb';
const localChain = disbursementChain(campaignId, giftA, 2000, true);
const otherChain = disbursementChain(campaignId, giftB, 3000, false);
const events = [
  on(campaignPublished(snapshot), '2026-01-02'),
  on(giftSucceeded(campaignId, { donationId: giftA, amount: 2500, fee: 100, receiptCode }), '2026-01-02'),
  on(giftSucceeded(campaignId, { donationId: giftB, amount: 10_000, fee: 320 }), '2026-01-02'),
  on(giftSucceeded(campaignId, { amount: 5000, fee: 175 }), '2026-01-04'),
  on(localChain.approved, '2026-01-05'),
  on(localChain.allocated, '2026-01-05'),
  on(otherChain.approved, '2026-01-06'),
  on(otherChain.allocated, '2026-01-06'),
  on(localChain.paid, '2026-01-08'),
  on(otherChain.paid, '2026-01-09'),
  on(localChain.delivered(40), '2026-01-12'),
];

// The record checks with something wrong, so the page shows every kind of message (a broken rule, books that disagree).
const recordChecks: RecordChecks = {
  checkedAt: '2026-01-12T10:04:00.000Z',
  status: 'breaches',
  campaigns: 1,
  sources: ['donation', 'disbursement'],
  breaches: [{ campaignId, invariant: 'campaign-delivered-within-paid-out', value: 5_200, limit: 4_700 }],
  differences: [{ campaignId, source: 'disbursement', field: 'paidOut', ledger: 4_700, service: 5_000 }],
  unreachable: [],
};

const pages = [
  { name: 'campaigns', path: '/' },
  { name: 'campaign', path: `/campaigns/${campaignId}` },
  { name: 'ledger', path: `/campaigns/${campaignId}/ledger` },
  { name: 'trace-form', path: '/trace' },
  { name: 'trace', path: '/trace', submitCode: true },
  { name: 'about', path: '/about-the-ledger' },
  { name: 'record-checks', path: '/record-checks' },
  { name: 'not-found', path: '/no-such-page' },
  { name: 'not-on-ledger', path: '/campaigns/no-such-campaign' },
  { name: 'bad-ledger-page', path: `/campaigns/${campaignId}/ledger?from=x` },
] as const;

const widths = [390, 1280] as const;
const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Layout {
  lang: string;
  dir: string;
  overflow: number;
  outside: string[];
  clipped: string[];
  missingMessages: boolean;
  brandGap: number;
  headingGap: number;
}

/** Measures, in the page: overflow, elements outside the viewport, clipped text, and where the start side is. */
function measure(): Layout {
  const rtl = document.documentElement.dir === 'rtl';
  const describe = (element: Element) =>
    `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${element.className && typeof element.className === 'string' ? `.${element.className.split(' ').join('.')}` : ''} “${(element.textContent ?? '').trim().slice(0, 40)}”`;
  const hidden = (element: Element) => {
    for (let node: Element | null = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clipPath !== 'none' || style.display === 'none' || style.visibility === 'hidden') return true;
      if (
        node.tagName === 'DETAILS' &&
        !(node as HTMLDetailsElement).open &&
        node !== element &&
        !node.querySelector(':scope > summary')?.contains(element)
      )
        return true;
    }
    return false;
  };
  // Inside a box that scrolls by itself (a wide table), content may be wider than the page: it scrolls there.
  const scrolls = (element: Element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') return true;
    }
    return false;
  };
  const outside: string[] = [];
  const clipped: string[] = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (hidden(element)) continue;
    const rect = element.getBoundingClientRect();
    if (rect.width > 0 && !scrolls(element) && (rect.left < -1 || rect.right > window.innerWidth + 1))
      outside.push(describe(element));
    const style = getComputedStyle(element);
    const hidesX = style.overflowX === 'hidden' || style.overflowX === 'clip';
    const hidesY = style.overflowY === 'hidden' || style.overflowY === 'clip';
    if (
      (hidesX && element.scrollWidth > element.clientWidth + 1) ||
      (hidesY && element.scrollHeight > element.clientHeight + 1) ||
      (style.textOverflow === 'ellipsis' && element.scrollWidth > element.clientWidth)
    ) {
      clipped.push(describe(element));
    }
  }
  const header = document.querySelector('header.site')!.getBoundingClientRect();
  const brand = document.querySelector('.brand')!.getBoundingClientRect();
  const main = document.querySelector('main')!;
  const heading = document.querySelector('h1')!;
  const range = document.createRange();
  range.selectNodeContents(heading);
  const text = range.getBoundingClientRect();
  const box = main.getBoundingClientRect();
  const padding = parseFloat(getComputedStyle(main).paddingInlineStart);
  return {
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    outside,
    clipped,
    missingMessages: document.body.innerText.includes('⟦'),
    // How far the brand and the page heading sit from the start side (right in Arabic and Urdu): about 0 when mirrored right.
    brandGap: Math.round(rtl ? header.right - padding - brand.right : brand.left - (header.left + padding)),
    headingGap: Math.round(rtl ? box.right - padding - text.right : text.left - (box.left + padding)),
  };
}

describe('every page in every language, in Chromium', () => {
  let ledger: Ledger;
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    ledger = await startLedgerProcess();
    for (const event of events)
      await publishRaw(testEndpoints().kafkaBrokers, topicOf(event), [
        { key: event.subject, value: JSON.stringify(event) },
      ]);
    await eventually(
      async () => {
        const summary = (await (await fetch(`${ledger.url}/v1/campaigns/${campaignId}/summary`)).json()) as {
          entries: number;
        };
        expect(summary.entries).toBe(events.length);
      },
      { timeoutMs: 60_000 },
    );
    // Missing messages are marked, so a page that lacks one shows ⟦key⟧ and fails here.
    const app = buildWebApp({
      ledger: ledgerClient(ledger.url),
      ledgerUrl: ledger.url,
      logger: createLogger('web-test', 'silent'),
      missingMessages: 'mark',
      recordChecks: async () => recordChecks,
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fs.rmSync(screenshotsDir, { recursive: true, force: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: launchArgs,
    });
  });

  afterAll(async () => {
    await context?.close();
    server?.close();
    await ledger?.stop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  async function open(page: Page, locale: Locale, target: (typeof pages)[number]): Promise<void> {
    const address = `${base}${target.path}${target.path.includes('?') ? '&' : '?'}lang=${locale}`;
    await page.goto(address, { waitUntil: 'load' });
    if (!('submitCode' in target)) return;
    // The form posts without the language in its address: the picker's cookie carries it.
    await page.locator('#receiptCode').fill(receiptCode);
    await Promise.all([
      page.waitForURL(`${base}/trace`),
      page.locator('.trace-form button[type="submit"]').first().click(),
    ]);
    await page.locator('#verification.passed, #verification.failed').waitFor({ timeout: 15_000 });
  }

  it(
    'when each page is opened in each language at 390 and 1280 px, then nothing overflows or is clipped, Arabic and Urdu are mirrored, and every message is there',
    { timeout: 600_000 },
    async () => {
      const started = performance.now();
      const problems: string[] = [];
      const errors: string[] = [];
      for (const width of widths) {
        const page = await context.newPage();
        await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
        page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
        for (const locale of supportedLocales) {
          fs.mkdirSync(path.join(screenshotsDir, locale), { recursive: true });
          for (const target of pages) {
            await open(page, locale, target);
            const where = `${target.name} in ${locale} at ${width}px`;
            const layout = await page.evaluate(measure);
            if (layout.lang !== locale || layout.dir !== textDirection(locale))
              problems.push(`${where}: <html lang="${layout.lang}" dir="${layout.dir}">`);
            if (layout.overflow > 0)
              problems.push(`${where}: the page is ${layout.overflow}px wider than the screen`);
            if (layout.outside.length > 0)
              problems.push(`${where}: outside the screen: ${layout.outside.slice(0, 3).join('; ')}`);
            if (layout.clipped.length > 0)
              problems.push(`${where}: clipped: ${layout.clipped.slice(0, 3).join('; ')}`);
            if (layout.missingMessages) problems.push(`${where}: a message is missing (⟦key⟧ shown)`);
            if (Math.abs(layout.brandGap) > 2)
              problems.push(`${where}: the site name is ${layout.brandGap}px away from the start side`);
            if (Math.abs(layout.headingGap) > 2)
              problems.push(`${where}: the heading is ${layout.headingGap}px away from the start side`);
            if ('submitCode' in target && !(await page.locator('#verification.passed').count()))
              problems.push(`${where}: the gift did not verify`);
            await page.screenshot({
              path: path.join(screenshotsDir, locale, `${target.name}-${width}.png`),
              fullPage: true,
            });
          }
        }
        await page.close();
      }
      console.log(
        `${pages.length} pages × ${supportedLocales.length} languages × ${widths.length} widths checked and screenshotted in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      expect(problems).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it('when the picker is used on a page without JavaScript, then the same page comes back in the chosen language and stays in it', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/campaigns/${campaignId}/ledger?lang=en`);
    await page.locator('nav.languages a[hreflang="ar"]').click();
    await page.waitForURL(`${base}/campaigns/${campaignId}/ledger?lang=ar`);
    expect(await page.locator('h1').textContent()).toBe('السجل العام');
    // The choice is kept for the next pages, without the parameter.
    await page.locator('header .main-nav a[href="/trace"]').click();
    await page.waitForURL(`${base}/trace`);
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.locator('h1').textContent()).toBe('تتبّع تبرعي');
    await page.close();
  });

  it('when an entry is verified in the Ukrainian explorer, then the verdict is Ukrainian with Ukrainian numbers', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/campaigns/${campaignId}/ledger?lang=uk`);
    const row = page.locator('tr[data-index="3"]');
    await row.getByRole('button', { name: 'Перевірити запис 3' }).click();
    await expect
      .poll(async () => (await row.locator('.verdict').textContent()) ?? '')
      .toBe('✓ Перевірено в підписаному журналі (записів: 11)');
    await page.close();
  });
});
