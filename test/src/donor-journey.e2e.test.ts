/// <reference lib="dom" />
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveProfile, startMailpit, type StartedPart } from '@aid/local-infra';
import { startTestMode, type RunningTestMode } from '@aid/stripe-test-mode';
import { createLogger } from '@aid/telemetry';
import { eventually, platformClient, testEndpoints, type PlatformClient } from '@aid/test-kit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The web is an application, reached by path like the other services (see the in-process platform).
import { buildWebApp } from '../../services/web/src/app.ts';
import { campaignClient } from '../../services/web/src/campaign-client.ts';
import { donationClient, type DonationClient } from '../../services/web/src/donation-client.ts';
import { testModePayments } from '../../services/web/src/giving/test-mode-payments.ts';
import { formGuard } from '../../services/web/src/http/form-guard.ts';
import { ledgerClient } from '../../services/web/src/ledger-client.ts';
import {
  launchChromium,
  overflowsSideways,
  screenshotsOf,
  seriousAccessibilityViolations,
} from './browser/chromium-session.ts';
import { freePort } from '@aid/test-kit/service-processes';
import { startPlatformInProcess, type InProcessPlatform } from './harness/in-process-platform.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = path.join(root, 'test', 'test-results', 'donor-journey');

interface MailpitMessage {
  ID: string;
  Subject: string;
  To: { Address: string }[];
}

/**
 * A donor's whole journey in Chromium, on the real stack: the four services over Kafka and the database, the
 * local Stripe test mode (test cards, signed webhooks), the web as `npm start` runs it, and Mailpit as the inbox.
 */
describe('a donor gives from the browser', () => {
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  let mail: StartedPart & { inboxUrl: string };
  let testMode: RunningTestMode;
  let platform: InProcessPlatform;
  let api: PlatformClient;
  let web: Server;
  let base: string;
  let browser: Browser;
  let campaignId: string;
  /** Every gift the web started, by the donation the API answered (a double click must add none). */
  const started: string[] = [];

  const a11y: Record<string, string[]> = {};
  async function check(page: Page, step: string): Promise<void> {
    await screenshotsOf(page, shots, step);
    a11y[step] = (await seriousAccessibilityViolations(page)).map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
    expect(a11y[step], `serious accessibility violations on ${step}`).toEqual([]);
  }

  async function newDonor(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US' });
    return { context, page: await context.newPage() };
  }

  async function inbox(address: string): Promise<MailpitMessage[]> {
    const response = await fetch(
      `${mail.inboxUrl}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`,
    );
    return ((await response.json()) as { messages: MailpitMessage[] }).messages;
  }

  beforeAll(async () => {
    fs.rmSync(shots, { recursive: true, force: true });
    const mailData = path.join(root, '.local', 'data', 'journey');
    // A fresh inbox each run, so the messages found are this run's.
    fs.rmSync(mailData, { recursive: true, force: true });
    const [smtpPort, mailWebPort] = [await freePort(), await freePort()];
    const profile = resolveProfile('test', root, {
      LOCAL_SMTP_PORT: String(smtpPort),
      LOCAL_MAIL_WEB_PORT: String(mailWebPort),
    });
    mail = await startMailpit({
      ...profile,
      dirs: {
        ...profile.dirs,
        data: mailData,
        logs: path.join(profile.dirs.root, '.local', 'logs', 'journey'),
      },
    });
    let donationUrl = '';
    testMode = await startTestMode({
      upstream: testEndpoints().stripeApiBase,
      webhookUrl: () => `${donationUrl}/v1/webhooks/stripe`,
      webhookSecret,
      firstRetryMs: 200,
    });
    const webPort = await freePort();
    base = `http://127.0.0.1:${webPort}`;
    platform = await startPlatformInProcess({
      stripeApiBase: testMode.url,
      stripeWebhookSecret: webhookSecret,
      donationEnv: { SMTP_URL: mail.endpoint, PUBLIC_WEB_URL: base, RECEIPT_RETRY_MS: '300' },
    });
    donationUrl = platform.urls.donation;
    api = platformClient(platform.urls, platform.secrets);

    const donations = donationClient(platform.urls.donation);
    const recording: DonationClient = {
      ...donations,
      start: async (...args) => {
        const answer = await donations.start(...args);
        if ('gift' in answer) started.push(answer.gift.donationId);
        return answer;
      },
    };
    const app = buildWebApp({
      ledger: ledgerClient(platform.urls.ledger),
      ledgerUrl: platform.urls.ledger,
      logger: createLogger('web', 'warn'),
      campaigns: campaignClient(platform.urls.campaign),
      giving: {
        donations: recording,
        forms: formGuard(randomBytes(32)),
        payments: {
          mode: 'test',
          payments: testModePayments({ apiBase: testMode.url, secretKey: 'sk_test_local' }),
        },
        publicUrl: base,
      },
    });
    web = await new Promise<Server>((resolve) => {
      const listening = app.listen(webPort, '127.0.0.1', () => resolve(listening));
    });
    expect((web.address() as AddressInfo).port).toBe(webPort);

    const organization = await api.createOrganization({
      name: 'Haiti Diaspora Relief',
      country: 'CA',
      kind: 'diaspora-association',
    });
    const campaign = await api.createCampaign(organization.apiKey, {
      title: 'Earthquake relief in Nippes',
      summary: 'Shelter kits and clean water for families in Nippes.',
      goal: { amount: 5_000_000, currency: 'USD' },
      crisis: { kind: 'earthquake', countries: ['HT'], glide: 'EQ-2026-000123-HTI' },
    });
    campaignId = campaign.id;
    await api.publishCampaign(organization.apiKey, campaignId);
    const update = await fetch(`${platform.urls.campaign}/v1/campaigns/${campaignId}/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${organization.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'First shelter kits delivered',
        body: '200 families in Anse-à-Veau received shelter kits this week.',
      }),
    });
    expect(update.status).toBe(201);
    await eventually(async () => expect((await api.summary(campaignId)).entries).toBeGreaterThan(0), {
      timeoutMs: 30_000,
    });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (web ? web.close(resolve) : resolve(undefined)));
    await testMode?.close();
    await platform?.stop();
    await mail?.process.stop();
    console.log(`donor journey: screenshots in ${path.relative(root, shots)}`);
  });

  /** From the campaign page to the payment step, the way a donor does it with a mouse. */
  async function fillGiveForm(
    page: Page,
    gift: { currency: string; preset?: string; custom?: string; email: string; monthly?: boolean },
  ): Promise<void> {
    await page.goto(`${base}/campaigns/${campaignId}/give`);
    if ((await page.locator('#currency').inputValue()) !== gift.currency) {
      await Promise.all([
        page.waitForURL(new RegExp(`currency=${gift.currency}`)),
        page.selectOption('#currency', gift.currency),
      ]);
    }
    if (gift.monthly) await page.getByLabel('Every month').check();
    if (gift.preset) await page.locator('.preset', { hasText: gift.preset }).click();
    if (gift.custom) await page.fill('#customAmount', gift.custom);
    await page.fill('#email', gift.email);
  }

  it('when a donor gives €25 a month to a dollar campaign with the test card, then they get their receipt code, the email, and the gift is counted, on the ledger and verified', async () => {
    const { context, page } = await newDonor();
    await page.goto(`${base}/campaigns/${campaignId}`);
    await expect
      .poll(async () => (await page.locator('h1').innerText()).trim())
      .toBe('Earthquake relief in Nippes');
    expect(await page.textContent('body')).toContain(
      '200 families in Anse-à-Veau received shelter kits this week.',
    );
    await check(page, '01-campaign');
    // Who runs it: the organization's public page, and back.
    await Promise.all([
      page.waitForURL(/\/organizations\//),
      page.locator('section[aria-labelledby="organization"] strong a').click(),
    ]);
    await expect
      .poll(async () => (await page.locator('h1').innerText()).trim())
      .toBe('Haiti Diaspora Relief');
    await check(page, '01-organization');
    await page.goto(`${base}/campaigns/${campaignId}`);

    await page.getByRole('link', { name: 'Give monthly' }).click();
    await page.waitForURL(/\/give\?interval=month/);
    await Promise.all([page.waitForURL(/currency=EUR/), page.selectOption('#currency', 'EUR')]);
    await page.getByLabel('Every month').check();
    await page.locator('.preset', { hasText: '€25.00' }).click();
    await expect.poll(() => page.locator('#fee-estimate').innerText()).toContain('3.9%');
    await page.fill('#email', 'anne.journey@example.org');
    await page.fill('#name', 'Anne Pierre');
    await check(page, '02-give-form');

    await Promise.all([page.waitForURL(/\/gifts\/[^/]+\/pay$/), page.click('#give-button')]);
    await expect.poll(() => page.locator('.test-mode').innerText()).toContain('TEST MODE');
    await expect
      .poll(() => page.locator('main').innerText())
      .toContain('€25.00 every month to Earthquake relief in Nippes');
    await check(page, '03-pay-test-mode');

    await page.getByLabel(/4242 4242 4242 4242/).check();
    await Promise.all([page.waitForURL(/\/gifts\/[^/]+$/), page.click('#pay-button')]);
    const receiptCode = (await page.textContent('#receipt-code'))?.trim() ?? '';
    expect(receiptCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$/);
    await expect.poll(async () => (await page.locator('h1').innerText()).trim()).toBe('Thank you!');
    // The page follows the gift on its own until it is on the public record.
    await page.locator('#gift-status[data-stage="recorded"]').waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.locator('#gift-status').innerText())
      .toContain('its fee was $1.35, and $25.65 reached the campaign');
    await check(page, '04-thank-you');

    // Refreshing the thank-you page shows the same gift and starts nothing new.
    const before = started.length;
    await page.reload();
    expect((await page.textContent('#receipt-code'))?.trim()).toBe(receiptCode);
    expect(started.length).toBe(before);

    // The saved file holds the code.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Save as a file' }).click(),
    ]);
    expect(fs.readFileSync(await download.path(), 'utf8')).toContain(receiptCode);

    // The receipt email is in the local inbox, in the donor's language, with the trace link.
    const [message] = await eventually(
      async () => {
        const found = await inbox('anne.journey@example.org');
        expect(found).toHaveLength(1);
        return found;
      },
      { timeoutMs: 30_000 },
    );
    const body = (await (await fetch(`${mail.inboxUrl}/api/v1/message/${message?.ID}`)).json()) as {
      Text: string;
    };
    expect(body.Text).toContain(`${base}/trace`);
    expect(body.Text).toContain(`Your receipt code: ${receiptCode}`);

    // Counted in dollars as Stripe settled it, and on the campaign's ledger.
    await page.goto(`${base}/campaigns/${campaignId}`);
    await expect
      .poll(() => page.locator('.give-box .raised').innerText())
      .toContain('$27.00 raised after refunds');
    await expect.poll(() => page.locator('#latest-gifts + ul').innerText()).toContain('$27.00');
    await page.goto(`${base}/campaigns/${campaignId}/ledger`);
    expect(await page.textContent('main')).toContain('$27.00');

    // Its trace page tells the story and verifies it in the browser.
    await page.goto(`${base}/gifts/${started.at(-1)}`);
    await Promise.all([
      page.waitForURL(/\/trace$/),
      page.getByRole('button', { name: "See your gift's trace" }).click(),
    ]);
    await expect
      .poll(() => page.locator('#verification').innerText(), { timeout: 20_000 })
      .toContain('Verified');
    await expect.poll(() => page.locator('.story').innerText()).toContain('Given');
    await expect.poll(() => page.locator('.story').innerText()).toContain('You gave €25.00 on');
    await check(page, '05-trace');

    // Monthly gifts are stopped with the receipt code alone.
    await page.goto(`${base}/gifts/manage`);
    await page.fill('#receiptCode', receiptCode);
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('€25.00 every month');
    await check(page, '06-manage');
    await page.getByRole('button', { name: 'Stop my monthly gift' }).click();
    await expect.poll(() => page.locator('.notice').innerText()).toContain('Your monthly gift is stopped.');
    await check(page, '07-stopped');
    await context.close();
  });

  it('when the card is declined, then the donor is told beside the payment and can pay with another card', async () => {
    const { context, page } = await newDonor();
    await fillGiveForm(page, { currency: 'USD', preset: '$50.00', email: 'marc.declined@example.org' });
    await Promise.all([page.waitForURL(/\/pay$/), page.click('#give-button')]);
    await page.getByLabel(/4000 0000 0000 0002/).check();
    await page.click('#pay-button');
    await expect
      .poll(() => page.locator('#pay-problem').innerText())
      .toContain('Your card was declined, and nothing was charged.');
    await check(page, '08-declined');
    await page.getByLabel(/4242 4242 4242 4242/).check();
    await Promise.all([page.waitForURL(/\/gifts\/[^/]+$/), page.click('#pay-button')]);
    await page.locator('#gift-status[data-stage="recorded"]').waitFor({ timeout: 60_000 });
    await context.close();
  });

  it('when the card asks for the bank’s check (3-D Secure), then the donor completes it and comes back to the thank-you page', async () => {
    const { context, page } = await newDonor();
    await fillGiveForm(page, { currency: 'GBP', custom: '30', email: 'sara.3ds@example.org' });
    await Promise.all([page.waitForURL(/\/pay$/), page.click('#give-button')]);
    await page.getByLabel(/4000 0027 6000 3184/).check();
    await Promise.all([page.waitForURL(/\/test-mode\/authenticate\//), page.click('#pay-button')]);
    await screenshotsOf(page, shots, '09-bank-check');
    await Promise.all([
      page.waitForURL(new RegExp(`^${base}/gifts/[^/?]+`)),
      page.getByRole('button', { name: 'Complete authentication' }).click(),
    ]);
    await page.locator('#gift-status[data-stage="recorded"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('main').innerText()).toContain('£30.00');
    await context.close();
  });

  it('when the donor double-clicks Give, then one gift is started', async () => {
    const { context, page } = await newDonor();
    await fillGiveForm(page, { currency: 'USD', preset: '$10.00', email: 'double.click@example.org' });
    const before = new Set(started);
    await Promise.all([page.waitForURL(/\/pay$/), page.dblclick('#give-button')]);
    const fresh = new Set(started.filter((id) => !before.has(id)));
    expect(fresh.size).toBe(1);
    await context.close();
  });

  it('when the form is sent with mistakes, then each message is beside its field and the donor’s input is kept', async () => {
    const { context, page } = await newDonor();
    await fillGiveForm(page, { currency: 'USD', custom: '12.345', email: 'not-an-email' });
    await page.click('#give-button');
    await page.locator('#customAmount-error').waitFor();
    await expect.poll(() => page.locator('#email-error').innerText()).toContain('Type a full email address');
    expect(await page.locator('#email').inputValue()).toBe('not-an-email');
    await check(page, '10-form-errors');
    await context.close();
  });

  it('when a donor gives in Arabic on a phone, then the pages read right to left, nothing overflows, and the form and payment step pass axe', async () => {
    const { context, page } = await newDonor(390);
    await page.goto(`${base}/campaigns/${campaignId}/give?lang=ar&currency=AED`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await overflowsSideways(page)).toBe(false);
    await check(page, '11-give-form-ar');
    await page.fill('#email', 'layla.ar@example.org');
    await Promise.all([page.waitForURL(/\/pay$/), page.click('#give-button')]);
    expect(await overflowsSideways(page)).toBe(false);
    await check(page, '12-pay-ar');
    await context.close();
  });

  it('when a donor on a 360 px phone gives with the keyboard only, then nothing overflows and every step is reachable', async () => {
    const { context, page } = await newDonor(360);
    await page.goto(`${base}/campaigns/${campaignId}/give`);
    expect(await overflowsSideways(page)).toBe(false);
    const focusOn = async (selector: string) => {
      for (let presses = 0; presses < 80; presses++) {
        if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector))
          return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await focusOn('input[name="amount"]');
    // Tab lands on the chosen preset ($25.00); arrow keys move through the group, to $50.00.
    await page.keyboard.press('ArrowRight');
    await focusOn('#email');
    await page.keyboard.type('keyboard.only@example.org');
    await focusOn('#give-button');
    await Promise.all([page.waitForURL(/\/pay$/), page.keyboard.press('Enter')]);
    expect(await overflowsSideways(page)).toBe(false);
    await focusOn('#pay-button');
    await Promise.all([page.waitForURL(/\/gifts\/[^/]+$/), page.keyboard.press('Enter')]);
    expect(await overflowsSideways(page)).toBe(false);
    await expect.poll(() => page.locator('main').innerText()).toContain('$50.00');
    await page.locator('#gift-status[data-stage="recorded"]').waitFor({ timeout: 60_000 });
    await context.close();
  });
});
