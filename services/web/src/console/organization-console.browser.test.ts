/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { deflateSync, crc32 } from 'node:zlib';
import { chromiumPath } from '@aid/local-infra';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkScreen, chromiumLaunchArgs } from '../test-support/screen-checks.ts';
import type { ConsoleSession } from './console-session.ts';
import { startConsoleUnderTest, type ConsoleUnderTest } from './test-support/console-under-test.ts';

const resultsDir =
  process.env['CONSOLE_SHOTS'] ?? fileURLToPath(new URL('../../test-results/console/', import.meta.url));

/** A real PNG (a colour gradient), so the update's photo is drawn in the screenshots. */
function gradientPng(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const start = y * (width * 3 + 1);
    for (let x = 0; x < width; x += 1)
      rows.set(
        [20 + Math.round((x / width) * 120), 90 + Math.round((y / height) * 100), 170],
        start + 1 + x * 3,
      );
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const check = (page: Page, name: string) => checkScreen(page, resultsDir, name);

describe("an organization's console in Chromium", () => {
  let platform: ConsoleUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let organizationId = '';

  beforeAll(async () => {
    fs.mkdirSync(resultsDir, { recursive: true });
    platform = await startConsoleUnderTest();
    const registered = await platform.campaign.call('POST', '/v1/organizations', {
      key: platform.campaign.platformKey,
      body: {
        name: 'Somali Diaspora Water Fund',
        country: 'SE',
        kind: 'diaspora-association',
        admin: { name: 'Leila Warsame', email: `leila.${randomBytes(3).toString('hex')}@example.org` },
      },
    });
    const body = registered.body as { id: string; apiKey: string; member: { id: string } };
    organizationId = body.id;
    await platform.campaign.call('POST', `/v1/organizations/${organizationId}/members`, {
      key: body.apiKey,
      body: {
        name: 'Abdi Hassan',
        email: `abdi.${randomBytes(3).toString('hex')}@example.org`,
        role: 'field-officer',
      },
    });
    const now = new Date();
    const session: ConsoleSession = {
      token: body.apiKey,
      memberId: body.member.id,
      name: 'Leila Warsame',
      email: null,
      role: 'admin',
      organizationId,
      organizationName: 'Somali Diaspora Water Fund',
      expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
      lastSeenAt: now.toISOString(),
    };
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: chromiumLaunchArgs,
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en' });
    await context.addCookies([
      { name: 'console', value: platform.sessions.cookieValueFor(session), url: `${platform.url}/console` },
    ]);
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await platform?.stop();
  });

  it('when an admin creates, publishes and reports on a campaign, manages members and reads the audit log, then every screen works at desktop and phone widths', async () => {
    const page = await context.newPage();
    await page.goto(`${platform.url}/console/campaigns/new`);
    await page.getByRole('button', { name: 'Create draft' }).click();
    expect(await page.textContent('main')).toContain('fields need to be corrected');
    await check(page, 'campaign-form-errors');
    await page.fill('#title', 'Clean water for Baidoa');
    await page.fill(
      '#summary',
      'Water trucking and jerrycans for families displaced by the drought around Baidoa.',
    );
    await page.fill('#amount', '40000');
    await page.selectOption('#currency', 'SEK');
    await page.selectOption('#kind', 'drought');
    await page.fill('#countries', 'SO');
    await check(page, 'campaign-form');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    expect(await page.textContent('main')).toContain('The campaign is published');

    await page.fill('#updateTitle', 'First water delivery');
    await page.fill('#updateBody', 'Two trucks delivered 24,000 litres to the Salamey camp this morning.');
    const photo = path.join(resultsDir, 'update-photo.png');
    fs.writeFileSync(photo, gradientPng(480, 270));
    await page.setInputFiles('#photo', photo);
    await page.getByRole('button', { name: 'Post update' }).click();
    expect(await page.textContent('main')).toContain('Your update is posted');
    expect(
      await page
        .locator('img.update-photo')
        .evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth),
    ).toBe(480);
    await check(page, 'campaign-page');

    await page.goto(`${platform.url}/console/campaigns/new`);
    await page.fill('#title', 'Cholera response in Kismayo');
    await page.fill('#summary', 'Oral rehydration points and chlorine tablets.');
    await page.fill('#amount', '15000');
    await page.fill('#countries', 'SO');
    await page.getByRole('button', { name: 'Create draft' }).click();

    await page.goto(`${platform.url}/console`);
    expect(await page.textContent('h1')).toBe('Somali Diaspora Water Fund');
    await check(page, 'dashboard');
    await page.goto(`${platform.url}/console/campaigns`);
    await check(page, 'campaigns');

    await page.goto(`${platform.url}/console/members`);
    await page.fill('#name', 'Hodan Ali');
    await page.fill('#email', `hodan.${randomBytes(3).toString('hex')}@example.org`);
    await page.selectOption('#role', 'approver');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    expect(await page.textContent('main')).toContain('an invitation with a sign-in link was emailed');
    await check(page, 'members');
    await page.getByRole('link', { name: 'New API key Abdi Hassan' }).click();
    expect(await page.textContent('h1')).toBe('Make a new API key for Abdi Hassan?');
    await check(page, 'confirm-new-key');
    await page.getByRole('button', { name: 'New API key' }).click();
    expect(await page.textContent('main')).toContain('it will not be shown again');
    await check(page, 'new-key');

    await page.goto(`${platform.url}/console/audit`);
    expect(await page.textContent('main')).toContain('campaign.update-posted');
    await check(page, 'audit');

    await page.goto(`${platform.url}/console/campaigns?lang=ar`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await check(page, 'campaigns-ar');
    await page.close();
  });
});
