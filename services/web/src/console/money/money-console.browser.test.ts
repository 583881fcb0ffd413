/// <reference lib="dom" />
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '@aid/local-infra';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen } from '../../test-support/screen-checks.ts';
import { startTimeoutMs, startMoneyUnderTest, type MoneyUnderTest, type Person } from './money-under-test.ts';

const resultsDir =
  process.env['CONSOLE_SHOTS'] ??
  fileURLToPath(new URL('../../../test-results/console-money/', import.meta.url));
// A 1×1 PNG as the delivery's evidence photo.
const photo = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let sut: MoneyUnderTest;
let browser: Browser;

beforeAll(async () => {
  fs.mkdirSync(resultsDir, { recursive: true });
  sut = await startMoneyUnderTest();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
}, startTimeoutMs);

afterAll(async () => {
  await browser?.close();
  await sut?.stop();
});

async function signedIn(person: Person, locale = 'en'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const url = new URL(sut.web);
  await context.addCookies([
    {
      name: 'console',
      value: sut.sessions.cookieValueFor(sut.sessionOf(person)),
      domain: url.hostname,
      path: '/console',
      httpOnly: true,
    },
  ]);
  return context.newPage();
}

const check = (page: Page, name: string) => checkScreen(page, resultsDir, name);

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
    await asOfficer
      .getByLabel('Evidence photo or document (optional)')
      .setInputFiles({ name: 'handover.png', mimeType: 'image/png', buffer: photo });
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
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('cannot approve or reject it (maker-checker)');
    await check(page, 'money-own-approval-refused');
  }, 120_000);
});
