/// <reference lib="dom" />
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromiumPath } from '@aid/local-infra';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen, chromiumLaunchArgs } from '../test-support/screen-checks.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './test-support/console-under-test.ts';

const resultsDir = fileURLToPath(new URL('../../test-results/console/', import.meta.url));

const shots = (page: Page, name: string) => checkScreen(page, resultsDir, name);

describe('a person signs in with a passkey in Chromium', () => {
  let platform: ConsoleUnderTest;
  let browser: Browser;
  const email = `leila.${randomBytes(3).toString('hex')}@example.org`;

  beforeAll(async () => {
    fs.mkdirSync(resultsDir, { recursive: true });
    platform = await startConsoleUnderTest();
    await platform.campaign.call('POST', '/v1/organizations', {
      key: platform.campaign.platformKey,
      body: {
        name: 'Somali Diaspora Water Fund',
        country: 'SE',
        kind: 'diaspora-association',
        admin: { name: 'Leila Warsame', email },
      },
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumLaunchArgs,
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('when she adds a passkey after an emailed sign-in, then she signs in with it alone, with no email', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en' });
    const page = await context.newPage();
    // Chromium's virtual authenticator stands in for a phone's fingerprint or screen lock.
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    await page.goto(`${platform.url}/console/sign-in`);
    await shots(page, 'sign-in');
    await page.fill('#email', email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect.poll(() => page.textContent('h1')).toBe('Check your email');
    await shots(page, 'check-email');
    await page.goto(platform.mail.linkTo(email).href);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${platform.url}/console/account`);
    expect(await page.textContent('main')).toContain('You have no passkey yet.');

    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect
      .poll(async () => (await page.textContent('main')) ?? '', { timeout: 10_000 })
      .toContain('Passkey added');
    await shots(page, 'account');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.textContent('h1')).toBe('You are signed out in this browser.');
    const mailsBefore = platform.mail.sent.length;

    await page.goto(`${platform.url}/console/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${platform.url}/console`);
    await page.goto(`${platform.url}/console/account`);
    expect(await page.textContent('main')).toContain(
      'Signed in as Leila Warsame, Somali Diaspora Water Fund.',
    );
    expect(await page.textContent('main')).toContain('last used');
    expect(platform.mail.sent.length).toBe(mailsBefore);
    await context.close();
  });

  it('when a browser has no passkey for this site, then the attempt fails with a message and no session', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    // An authenticator that holds no credential of this site and answers at once.
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await page.goto(`${platform.url}/console/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect
      .poll(async () => (await page.textContent('#passkey-sign-in-status')) ?? '', { timeout: 70_000 })
      .toContain('The passkey did not work.');
    expect((await context.cookies()).some((cookie) => cookie.name === 'console')).toBe(false);
    await context.close();
  }, 90_000);
});
