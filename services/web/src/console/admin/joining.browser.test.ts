/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '@aid/local-infra';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen, chromiumLaunchArgs } from '../../test-support/screen-checks.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from '../test-support/console-under-test.ts';

const resultsDir =
  process.env['CONSOLE_SHOTS'] ?? fileURLToPath(new URL('../../../test-results/joining/', import.meta.url));

const check = (page: Page, name: string) => checkScreen(page, resultsDir, name);

describe('joining and vetting in Chromium', () => {
  let platform: ConsoleUnderTest;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    fs.mkdirSync(resultsDir, { recursive: true });
    platform = await startConsoleUnderTest();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumLaunchArgs,
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en' });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await platform?.stop();
  });

  it('when an organization applies and the administrator reviews and approves it, then every screen works at desktop and phone widths', async () => {
    const page = await context.newPage();
    await page.goto(`${platform.url}/`);
    await page.getByRole('link', { name: 'Apply to raise money here as an organization' }).click();
    await page.getByRole('button', { name: 'Send the application' }).click();
    expect(await page.textContent('#name-error')).toBe('This is needed.');
    await check(page, 'apply-form-errors');

    await page.fill('#name', 'Kenya Diaspora Water Trust');
    await page.fill('#country', 'KE');
    await page.selectOption('#kind', 'diaspora-association');
    await page.fill('#registrationNumber', 'CH-1187432');
    await page.fill('#website', 'https://water-trust.example.org');
    await page.fill(
      '#about',
      'Wells and water committees in Turkana since 2019, funded by Kenyans in the United Kingdom.',
    );
    await page.fill('#contactName', 'Wanjiru Kamau');
    await page.fill('#contactEmail', 'wanjiru@example.org');
    const certificate = path.join(resultsDir, 'certificate-of-registration.pdf');
    fs.writeFileSync(
      certificate,
      '%PDF-1.7\n% certificate of registration\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n',
    );
    await page.setInputFiles('#documents', certificate);
    await check(page, 'apply-form');
    await page.getByRole('button', { name: 'Send the application' }).click();
    expect(await page.textContent('h1')).toBe('Application received');
    expect(await page.textContent('main')).toContain('Documents received: 1');
    await check(page, 'apply-sent');

    await page.goto(`${platform.url}/apply?lang=ar`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await check(page, 'apply-form-ar');

    await page.goto(`${platform.url}/console/admin?lang=en`);
    await page.fill('#key', platform.campaign.platformKey);
    await check(page, 'admin-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.textContent('h1')).toBe('Applications waiting for a decision');
    await check(page, 'admin-list');

    await page.getByRole('link', { name: 'Kenya Diaspora Water Trust' }).click();
    expect(await page.textContent('main')).toContain('certificate-of-registration.pdf');
    await check(page, 'admin-application');
    await page.getByLabel('Approve: register the organization as verified').check();
    await page.fill(
      '#reason',
      'Registration CH-1187432 confirmed on the Charity Commission register; statutes match.',
    );
    await page.getByRole('button', { name: 'Record the decision' }).click();
    expect(await page.textContent('main')).toContain('The decision is recorded.');
    expect(await page.textContent('main')).toContain('the organization is registered and verified');
    await check(page, 'admin-decided');
    await page.close();
  }, 120_000);
});
