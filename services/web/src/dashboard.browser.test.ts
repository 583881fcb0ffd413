/// <reference lib="dom" />
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { topics } from '@aid/contracts';
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
import { chromium, type BrowserContext, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from './app.ts';
import { ledgerClient } from './ledger-client.ts';

const resultsDir = fileURLToPath(new URL('../test-results/', import.meta.url));

type Ledger = ServiceProcess;
type TestEvent = ReturnType<typeof campaignPublished>;

/** The same event on another day, so the chart has days to draw. */
const on = (event: TestEvent, date: string): TestEvent => ({ ...event, time: `${date}T09:00:00.000Z` });

const topicOf = (event: TestEvent) =>
  event.type.includes('.campaign.')
    ? topics.campaign
    : event.type.includes('.donation.')
      ? topics.donation
      : topics.disbursement;

const snapshot = campaignSnapshot();
const campaignId = snapshot.campaignId;
const receiptCode = 'ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6723';
const giftA = '019a0000-0000-7000-8000-00000000000a';
const giftB = '019a0000-0000-7000-8000-00000000000b';
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

const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('public dashboard in Chromium', () => {
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
    const app = buildWebApp({
      ledger: ledgerClient(ledger.url),
      ledgerUrl: ledger.url,
      logger: createLogger('web-test', 'silent'),
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fs.mkdirSync(resultsDir, { recursive: true });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: launchArgs,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    server?.close();
    await ledger?.stop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  /** A page that fails the test on any script error or CSP violation. */
  async function open(width = 1280): Promise<{ page: Page; problems: string[] }> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: width < 600 ? 780 : 900 });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    return { page, problems };
  }

  async function traceGift(page: Page, code = receiptCode): Promise<string> {
    await page.goto(`${base}/trace`);
    await page.getByLabel('Receipt code').fill(code);
    await Promise.all([
      page.waitForResponse(
        (response) => response.url() === `${base}/trace` && response.request().method() === 'POST',
      ),
      page.getByRole('button', { name: 'Trace' }).click(),
    ]);
    const status = page.locator('#verification');
    await expect
      .poll(async () => (await status.textContent()) ?? '', { timeout: 15_000 })
      .toMatch(/Verified|FAILED/);
    return (await status.textContent()) ?? '';
  }

  /** Rewrites the proof data embedded in the trace page on its way to the browser. */
  async function tamperTracePage(
    page: Page,
    change: (
      proof: { leafIndex: number; hashes: string[]; entries: { index: number; leaf: string }[] },
      html: string,
    ) => string,
  ): Promise<void> {
    await page.route(`${base}/trace`, async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const response = await route.fetch();
      const html = await response.text();
      const json = /<script type="application\/json" id="trace-proof">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
      return route.fulfill({ response, body: change(JSON.parse(json), html) });
    });
  }

  const replaceProof = (html: string, proof: unknown) =>
    html.replace(
      /(<script type="application\/json" id="trace-proof">)(.*?)(<\/script>)/s,
      (_match, open: string, _json, close: string) =>
        `${open}${JSON.stringify(proof).replace(/</g, '\\u003c')}${close}`,
    );

  /** No page-level horizontal scroll: everything wider (tables) scrolls inside its own box. */
  const overflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  /** A basic accessibility pass: text alternatives for images and charts, labels for every control. */
  const accessibilityProblems = (page: Page) =>
    page.evaluate(() => {
      const problems: string[] = [];
      for (const element of document.querySelectorAll('img, svg, [role="img"]')) {
        if (element.closest('[aria-hidden="true"]')) continue;
        const labelledBy = element
          .getAttribute('aria-labelledby')
          ?.split(' ')
          .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
          .join(' ')
          .trim();
        const text =
          element.getAttribute('alt') ??
          element.getAttribute('aria-label') ??
          (labelledBy || element.querySelector(':scope > title')?.textContent?.trim());
        if (!text) problems.push(`${element.tagName} without a text alternative`);
      }
      for (const control of document.querySelectorAll(
        'input:not([type="hidden"]), select, textarea, progress, meter',
      )) {
        const labelled =
          (control as HTMLInputElement).labels?.length ||
          control.getAttribute('aria-label') ||
          control.getAttribute('aria-labelledby');
        if (!labelled) problems.push(`${control.tagName}#${control.id} without a label`);
      }
      for (const button of document.querySelectorAll('button'))
        if (!button.textContent?.trim()) problems.push('button without text');
      const levels = [...document.querySelectorAll('h1, h2, h3, h4')].map((heading) =>
        Number(heading.tagName[1]),
      );
      levels.forEach((level, index) => {
        if (index === 0 ? level !== 1 : level > (levels[index - 1] ?? 1) + 1)
          problems.push(`heading h${level} out of order`);
      });
      if (!document.querySelector('main') || !document.querySelector('nav') || !document.documentElement.lang)
        problems.push('missing landmarks or language');
      return problems;
    });

  it('when the campaign list is opened, then it shows the campaign card with its figures, on a desktop and on a 360 px phone', async () => {
    for (const width of [1280, 360]) {
      const { page, problems } = await open(width);
      await page.goto(base);
      // By its link, not its title: campaigns of other tests on the shared topics may carry the same fixture title.
      const card = page.locator('.card', { has: page.locator(`a[href="/campaigns/${campaignId}"]`) });
      await expect.poll(() => card.count()).toBe(1);
      expect(await card.textContent()).toContain('$175.00 raised after refunds, of $50,000.00');
      expect(await card.textContent()).toContain('People reached40');
      expect(await card.textContent()).toContain('To local actors40%');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.screenshot({ path: path.join(resultsDir, `campaigns-${width}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('when the transparency page is opened, then the chart, local share and breakdowns render accessibly, light enough for a phone', async () => {
    for (const width of [1280, 360]) {
      const { page, problems } = await open(width);
      const bytes: number[] = [];
      page.on('response', (response) => {
        void response.body().then(
          (body) => bytes.push(body.length),
          () => {},
        );
      });
      await page.goto(`${base}/campaigns/${campaignId}`, { waitUntil: 'networkidle' });
      const chart = page.getByRole('img', {
        name: /Running totals from Jan 2, 2026 to Jan 12, 2026: raised \$175\.00, allocated \$50\.00, paid out \$50\.00, delivered \$20\.00/,
      });
      await expect.poll(() => chart.count()).toBe(1);
      expect(await page.locator('.chart path.line').count()).toBe(8);
      expect(await page.getByRole('heading', { name: 'Share to local actors' }).count()).toBe(1);
      expect(await page.locator('main').textContent()).toContain(
        'Of $50.00 paid out, $20.00 went directly to local',
      );
      expect(await page.getByRole('table', { name: 'Money by recipient' }).count()).toBe(1);
      expect(await page.getByRole('link', { name: 'IATI XML' }).getAttribute('href')).toBe(
        `/api/ledger/v1/campaigns/${campaignId}/export.iati.xml`,
      );
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.screenshot({ path: path.join(resultsDir, `campaign-${width}.png`), fullPage: true });
      // Close-ups, since a full phone-length page is too tall to read as one picture.
      await page
        .locator('section:has(#over-time)')
        .screenshot({ path: path.join(resultsDir, `campaign-chart-${width}.png`) });
      await page
        .locator('section:has(#recipients)')
        .screenshot({ path: path.join(resultsDir, `campaign-recipients-${width}.png`) });
      const total = bytes.reduce((sum, size) => sum + size, 0);
      console.log(`campaign page weight at ${width}px: ${total} bytes (HTML + CSS + JS, uncompressed)`);
      expect(total).toBeLessThan(60_000);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('when a real gift is traced, then the browser verifies its proof and checkpoint signature and says so', async () => {
    for (const width of [1280, 360]) {
      const { page, problems } = await open(width);
      const status = await traceGift(page);
      expect(status).toMatch(/^✓ Verified: your gift is entry #\d+ of 11 in the signed public record\./);
      expect(status).toContain('the 4 linked entries are in the same signed log');
      expect(await page.locator('#key-name').textContent()).toBe('ledger.test.localhost');
      expect(await page.locator('#key-hash').textContent()).toMatch(/^[0-9a-f]{8}$/);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.screenshot({ path: path.join(resultsDir, `trace-verified-${width}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("when the gift entry's bytes are altered on the way (amount changed), then verification FAILS and says why", async () => {
    const { page } = await open();
    await tamperTracePage(page, (proof, html) => {
      const gift = proof.entries.find((entry) => entry.index === proof.leafIndex);
      if (!gift) throw new Error('no gift entry in the proof');
      const bytes = Buffer.from(gift.leaf, 'base64').toString('utf8');
      expect(bytes).toContain('"amount":2500');
      gift.leaf = Buffer.from(bytes.replace('"amount":2500', '"amount":25000')).toString('base64');
      return replaceProof(html, proof);
    });
    const status = await traceGift(page);
    expect(status).toMatch(
      /^✗ Verification FAILED\..*does not lead to the signed root through its inclusion proof/s,
    );
    await page.screenshot({ path: path.join(resultsDir, 'trace-tampered-1280.png'), fullPage: true });
    await page.close();
  });

  it('when a hash of the inclusion proof is altered, then verification FAILS', async () => {
    const { page } = await open();
    await tamperTracePage(page, (proof, html) => {
      const [first = '', ...rest] = proof.hashes;
      const bytes = Buffer.from(first, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return replaceProof(html, { ...proof, hashes: [bytes.toString('base64'), ...rest] });
    });
    expect(await traceGift(page)).toMatch(/^✗ Verification FAILED\./);
    await page.close();
  });

  it('when the page shows another amount than the signed entry, then verification FAILS naming the difference', async () => {
    const { page } = await open();
    await tamperTracePage(page, (_proof, html) => html.replace('data-amount="2500"', 'data-amount="9900"'));
    expect(await traceGift(page)).toContain('the amount shown is 9900, the signed entry says 2500');
    await page.close();
  });

  it('when the verifier key served is not the one that signed the checkpoint, then verification FAILS on the signature', async () => {
    const { page } = await open();
    await page.route(`${base}/api/ledger/v1/verifier-key`, (route) =>
      // Well-formed, but not the ledger's key: the browser must refuse it rather than trust what it was served.
      route.fulfill({ contentType: 'text/plain', body: `someone.else+00000000+AQ${'A'.repeat(42)}\n` }),
    );
    expect(await traceGift(page)).toMatch(/^✗ Verification FAILED\..*(signature|key)/s);
    await page.close();
  });

  it('when an entry is verified in the ledger explorer, then its row shows ✓ with text, and ✗ when the entry bytes were altered', async () => {
    for (const width of [1280, 360]) {
      const { page, problems } = await open(width);
      await page.goto(`${base}/campaigns/${campaignId}/ledger`);
      expect(await page.locator('table.ledger tbody tr').count()).toBe(11);
      const row = page.locator('tr[data-index="3"]');
      await row.getByRole('button', { name: 'Verify entry 3' }).click();
      await expect
        .poll(async () => (await row.locator('.verdict').textContent()) ?? '')
        .toBe('✓ Verified in the signed log of 11 entries');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.screenshot({
        path: path.join(resultsDir, `ledger-${width}.png`),
        fullPage: width < 600 ? false : true,
      });
      expect(problems).toEqual([]);
      await page.close();
    }
    const { page } = await open();
    await page.route(`${base}/api/ledger/v1/campaigns/*/entries?*`, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { entries: { leaf: string }[] };
      for (const entry of body.entries)
        entry.leaf = Buffer.from(
          Buffer.from(entry.leaf, 'base64').toString('utf8').replace('"time":"2026', '"time":"2027'),
        ).toString('base64');
      return route.fulfill({ response, json: body });
    });
    await page.goto(`${base}/campaigns/${campaignId}/ledger`);
    const row = page.locator('tr[data-index="1"]');
    await row.getByRole('button', { name: 'Verify entry 1' }).click();
    await expect
      .poll(async () => (await row.locator('.verdict').textContent()) ?? '')
      .toMatch(/^✗ Verification failed: /);
    await page.close();
  });
});
