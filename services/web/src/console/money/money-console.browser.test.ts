/// <reference lib="dom" />
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '@aid/local-infra';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUpTimeoutMs, startMoneyUnderTest, type MoneyUnderTest, type Person } from './money-under-test.ts';

const resultsDir = process.env['CONSOLE_SHOTS'] ?? fileURLToPath(new URL('../../../test-results/console-money/', import.meta.url));
// axe-core is the end-to-end tests' dependency; the web borrows it from there rather than pinning a second copy.
const axeSource = fs.readFileSync(createRequire(fileURLToPath(new URL('../../../../../test/package.json', import.meta.url))).resolve('axe-core/axe.min.js'), 'utf8');
// A 1×1 PNG as the delivery's evidence photo.
const photo = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let sut: MoneyUnderTest;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(resultsDir, { recursive: true });
  sut = await startMoneyUnderTest();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
}, catchUpTimeoutMs + 30_000);

afterAll(async () => {
  await browser?.close();
  await sut?.stop();
});

async function signedIn(person: Person, locale = 'en'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const url = new URL(sut.web);
  await context.addCookies([{ name: 'console', value: sut.sessions.cookieValueFor(sut.sessionOf(person)), domain: url.hostname, path: '/console', httpOnly: true }]);
  return context.newPage();
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map(({ id, impact, nodes }) => ({ id, impact, targets: nodes.map((node) => node.target.join(' ')) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.targets.join(', ')}`);
}

/** Screenshots at a desktop and a phone width; at both, nothing scrolls sideways and axe finds nothing serious. */
async function check(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: path.join(resultsDir, `${name}-${width}.png`), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name} at ${width}px scrolls sideways`).toBe(true);
    expect(await seriousViolations(page), `${name} at ${width}px`).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('the money console in Chromium', () => {
  it('when a disbursement goes from request to delivery with a photo, then every screen reads well on a desktop and a phone, in English and Urdu', async () => {
    const { admin, approver, officer } = await sut.organizationWithPeople();
    const campaign = await sut.fundedCampaign(admin, 100_000);

    const asOfficer = await signedIn(officer);
    await asOfficer.goto(`${sut.web}/console/money`);
    await check(asOfficer, 'money-overview');
    await asOfficer.getByRole('link', { name: campaign.title }).first().click();
    await asOfficer.getByRole('link', { name: 'Request a disbursement' }).click();
    await asOfficer.getByRole('button', { name: 'Request' }).click();
    await check(asOfficer, 'money-request-errors');
    await asOfficer.getByLabel('Amount (USD)').fill('250.50');
    await asOfficer.getByLabel('Recipient', { exact: true }).fill('Dadu Women’s Water Committee');
    await asOfficer.getByLabel('Recipient’s country').fill('PK');
    await asOfficer.getByLabel('Purpose').fill('Water purification tablets for 400 families');
    await asOfficer.getByLabel('Sector').fill('WASH');
    await asOfficer.getByRole('button', { name: 'Request' }).click();
    await expect.poll(() => asOfficer.getByRole('status').textContent()).toContain('Disbursement requested');
    const disbursementUrl = asOfficer.url().replace(/\?.*$/, '');
    await check(asOfficer, 'money-disbursement-requested');

    const asApprover = await signedIn(approver);
    await asApprover.goto(disbursementUrl);
    await asApprover.getByLabel('Comment (optional)').fill('Quotes from three suppliers checked');
    await asApprover.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => asApprover.getByRole('status').textContent()).toContain('approval is recorded');

    const asAdmin = await signedIn(admin);
    await asAdmin.goto(disbursementUrl);
    await check(asAdmin, 'money-disbursement-approved');
    await asAdmin.getByLabel('Bank transfer reference').fill('HBL-2026-0042');
    await asAdmin.getByRole('button', { name: 'Record payout' }).click();
    await expect.poll(() => asAdmin.getByRole('status').textContent()).toContain('Payout recorded');

    await asOfficer.goto(disbursementUrl);
    await asOfficer.getByLabel('People reached').fill('400');
    await asOfficer.getByLabel('What was delivered').fill('Tablets handed out at the Dadu camp');
    await asOfficer.getByLabel('Area or town').fill('Dadu');
    await asOfficer.getByLabel('Evidence photo or document (optional)').setInputFiles({ name: 'handover.png', mimeType: 'image/png', buffer: photo });
    await check(asOfficer, 'money-delivery-form');
    await asOfficer.getByRole('button', { name: 'Report delivery' }).click();
    await expect.poll(() => asOfficer.getByRole('status').textContent()).toContain('Delivery reported');
    await check(asOfficer, 'money-delivered');

    await asAdmin.goto(`${sut.web}/console/money/campaigns/${campaign.id}`);
    await check(asAdmin, 'money-campaign-admin');

    const inUrdu = await signedIn(admin, 'ur');
    await inUrdu.goto(`${disbursementUrl}?lang=ur`);
    expect(await inUrdu.getAttribute('html', 'dir')).toBe('rtl');
    await check(inUrdu, 'money-delivered-ur');
    await inUrdu.goto(`${sut.web}/console/money/campaigns/${campaign.id}?lang=ur`);
    await check(inUrdu, 'money-campaign-admin-ur');
  }, 180_000);

  it('when the requester approves their own request, then the page shows the service’s refusal', async () => {
    const { admin } = await sut.organizationWithPeople();
    const campaign = await sut.fundedCampaign(admin, 20_000);
    const page = await signedIn(admin);
    await page.goto(`${sut.web}/console/money/campaigns/${campaign.id}/request`);
    await page.getByLabel('Amount (USD)').fill('100');
    await page.getByLabel('Recipient', { exact: true }).fill('Sehwan Relief Kitchen');
    await page.getByLabel('Recipient’s country').fill('PK');
    await page.getByLabel('Purpose').fill('Cooked meals for a week');
    await page.getByLabel('Sector').fill('Food');
    await page.getByRole('button', { name: 'Request' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('cannot approve or reject it (maker-checker)');
    await check(page, 'money-own-approval-refused');
  }, 120_000);
});
