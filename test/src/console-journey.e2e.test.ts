/// <reference lib="dom" />
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveProfile, startMailpit, type StartedPart } from '@aid/local-infra';
import { createLogger } from '@aid/telemetry';
import { eventually, platformClient, testEndpoints, type PlatformClient } from '@aid/test-kit';
import mongoose from 'mongoose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The web is an application, reached by path like the other services (see the in-process platform).
import { buildWebApp } from '../../services/web/src/app.ts';
import { campaignClient } from '../../services/web/src/campaign-client.ts';
import { consoleSessions } from '../../services/web/src/console/console-session.ts';
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
const shots = path.join(root, 'test', 'test-results', 'console-journey');

interface MailpitMessage {
  ID: string;
  Subject: string;
}

// The smallest real PNG (1×1): evidence a field officer photographs, as the disbursement service checks it.
const photo = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e5f4c90000000049454e44ae426082',
  'hex',
);
const certificate = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
);

/**
 * An organization's people in Chromium, on the real services over Kafka and the database with Mailpit as their
 * inbox: the organization applies and is approved, its admin signs in by emailed link and invites an approver and
 * a field officer, who sign in (the approver then with a passkey), and the money goes from a campaign's gifts
 * through request, maker-checker approval and payout to a delivery with its evidence, all on the public pages.
 */
describe("an organization's people run their work in the browser", () => {
  let mail: StartedPart & { inboxUrl: string };
  let platform: InProcessPlatform;
  let api: PlatformClient;
  let web: Server;
  let base: string;
  let browser: Browser;
  const run = randomBytes(3).toString('hex');
  const people = {
    admin: { name: 'Wanjiru Kamau', email: `wanjiru.${run}@example.org` },
    approver: { name: 'Hodan Ali', email: `hodan.${run}@example.org` },
    officer: { name: 'Abdi Hassan', email: `abdi.${run}@example.org` },
  };
  const organizationName = `Kenya Diaspora Water Trust ${run}`;
  const campaignTitle = 'Clean water for Turkana';
  let campaignId = '';
  let requestUrl = '';

  const a11y: Record<string, string[]> = {};
  async function check(page: Page, step: string): Promise<void> {
    await screenshotsOf(page, shots, step);
    expect(await overflowsSideways(page), `${step} scrolls sideways`).toBe(false);
    a11y[step] = (await seriousAccessibilityViolations(page)).map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
    expect(a11y[step], `serious accessibility violations on ${step}`).toEqual([]);
  }

  async function person(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width, height: width < 500 ? 800 : 900 },
      locale: 'en-US',
    });
    return { context, page: await context.newPage() };
  }

  /** Emails to an address, newest first, with their subjects. */
  async function messagesTo(address: string): Promise<MailpitMessage[]> {
    const response = await fetch(
      `${mail.inboxUrl}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`,
    );
    return ((await response.json()) as { messages: MailpitMessage[] }).messages;
  }

  /** The sign-in link in the newest email to an address whose subject matches, once there are more than `seen`. */
  async function mailedLink(address: string, subject: RegExp, seen = 0): Promise<string> {
    const message = await eventually(
      async () => {
        const matching = (await messagesTo(address)).filter((candidate) => subject.test(candidate.Subject));
        expect(matching.length, `a new email to ${address} about ${subject}`).toBeGreaterThan(seen);
        return matching[0] as MailpitMessage;
      },
      { timeoutMs: 30_000 },
    );
    const body = (await (await fetch(`${mail.inboxUrl}/api/v1/message/${message.ID}`)).json()) as {
      Text: string;
    };
    const link = /https?:\/\/\S+\/console\/sign-in\/link\?token=[A-Za-z0-9_-]+/.exec(body.Text)?.[0];
    expect(link, `a sign-in link in "${message.Subject}"`).toBeDefined();
    return link as string;
  }

  async function signInByLink(page: Page, link: string): Promise<void> {
    await page.goto(link);
    await Promise.all([
      page.waitForURL(`${base}/console`),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
  }

  /** Asks for a sign-in link on the sign-in page, the way a person does, and returns the one mailed for it. */
  async function askForLink(page: Page, email: string): Promise<string> {
    const seen = (await messagesTo(email)).filter((candidate) =>
      /sign-in link/.test(candidate.Subject),
    ).length;
    await page.goto(`${base}/console/sign-in`);
    await page.fill('#email', email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect.poll(async () => (await page.locator('h1').innerText()).trim()).toBe('Check your email');
    return mailedLink(email, /sign-in link/, seen);
  }

  beforeAll(async () => {
    fs.rmSync(shots, { recursive: true, force: true });
    const mailData = path.join(root, '.local', 'data', 'console-journey');
    fs.rmSync(mailData, { recursive: true, force: true });
    const [smtpPort, mailWebPort, webPort] = [await freePort(), await freePort(), await freePort()];
    const profile = resolveProfile('test', root, {
      LOCAL_SMTP_PORT: String(smtpPort),
      LOCAL_MAIL_WEB_PORT: String(mailWebPort),
    });
    mail = await startMailpit({
      ...profile,
      dirs: {
        ...profile.dirs,
        data: mailData,
        logs: path.join(profile.dirs.root, '.local', 'logs', 'console-journey'),
      },
    });
    // By name, not address: passkeys are bound to a host name, and the sign-in emails link here.
    base = `http://localhost:${webPort}`;
    platform = await startPlatformInProcess({
      campaignEnv: { SMTP_URL: mail.endpoint, PUBLIC_WEB_URL: base },
    });
    api = platformClient(platform.urls, platform.secrets);
    const secret = randomBytes(32);
    const app = buildWebApp({
      ledger: ledgerClient(platform.urls.ledger),
      ledgerUrl: platform.urls.ledger,
      logger: createLogger('web', 'warn'),
      campaigns: campaignClient(platform.urls.campaign),
      console: {
        sessions: consoleSessions(secret),
        forms: formGuard(secret),
        services: platform.urls,
        publicUrl: base,
      },
    });
    web = await new Promise<Server>((resolve) => {
      const listening = app.listen(webPort, '127.0.0.1', () => resolve(listening));
    });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (web ? web.close(resolve) : resolve(undefined)));
    await platform?.stop();
    await mail?.process.stop();
    console.log(`console journey: screenshots in ${path.relative(root, shots)}`);
  });

  it('when an organization applies and is approved, then its admin signs in by the emailed link and invites an approver and a field officer', async () => {
    const { context, page } = await person();
    await page.goto(`${base}/apply`);
    await page.fill('#name', organizationName);
    await page.fill('#country', 'KE');
    await page.selectOption('#kind', 'diaspora-association');
    await page.fill('#registrationNumber', `CH-${run}`);
    await page.fill('#website', 'https://water-trust.example.org');
    await page.fill(
      '#about',
      'Wells and water committees in Turkana, funded by Kenyans in the United Kingdom.',
    );
    await page.fill('#contactName', people.admin.name);
    await page.fill('#contactEmail', people.admin.email);
    await page.setInputFiles('#documents', {
      name: 'registration.pdf',
      mimeType: 'application/pdf',
      buffer: certificate,
    });
    await check(page, '01-apply');
    await page.getByRole('button', { name: 'Send the application' }).click();
    await check(page, '02-applied');

    // The platform administrator reviews it, sees the document's hash, and approves it with a reason.
    await page.goto(`${base}/console/admin`);
    await page.fill('#key', platform.secrets.platformAdminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: organizationName }).click();
    expect(await page.textContent('main')).toContain(createHash('sha256').update(certificate).digest('hex'));
    await check(page, '03-review');
    await page.getByLabel('Approve: register the organization as verified').check();
    await page.fill('#reason', `Registration CH-${run} confirmed on the register; statutes match.`);
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await context.close();

    // The contact person is told, with an invitation that would sign them in; here they ask for a link instead.
    expect(await mailedLink(people.admin.email, /invited you/)).toContain('/console/sign-in/link?token=');
    // Its admin signs in with the link mailed to the contact address.
    const admin = await person();
    const link = await askForLink(admin.page, people.admin.email);
    await admin.page.goto(link);
    await check(admin.page, '04-sign-in-link');
    await Promise.all([
      admin.page.waitForURL(`${base}/console`),
      admin.page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    expect(await admin.page.textContent('header')).toContain(organizationName);
    await check(admin.page, '05-console-home');

    // A link works once.
    const again = await person(390);
    await again.page.goto(link);
    await again.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => again.page.textContent('main')).toContain('This link was already used');
    await again.context.close();

    for (const [role, who] of [
      ['approver', people.approver],
      ['field-officer', people.officer],
    ] as const) {
      await admin.page.goto(`${base}/console/members`);
      await admin.page.fill('#name', who.name);
      await admin.page.fill('#email', who.email);
      await admin.page.selectOption('#role', role);
      await admin.page.getByRole('button', { name: 'Invite', exact: true }).click();
      await expect.poll(() => admin.page.textContent('main')).toContain(who.email);
    }
    await check(admin.page, '06-members');
    await admin.context.close();
  });

  it('when the invited approver signs in, then she adds a passkey and signs in with it alone; the officer signs in on a phone', async () => {
    const { context, page } = await person();
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
    await signInByLink(page, await mailedLink(people.approver.email, /invited you/));
    await page.goto(`${base}/console/account`);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Passkey added');
    await check(page, '07-account-passkey');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.goto(`${base}/console/sign-in`);
    await Promise.all([
      page.waitForURL(`${base}/console`),
      page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
    ]);
    expect(await page.textContent('header')).toContain(people.approver.name);
    await context.close();

    const officer = await person(390);
    await signInByLink(officer.page, await mailedLink(people.officer.email, /invited you/));
    expect(await officer.page.textContent('header')).toContain(people.officer.name);
    await check(officer.page, '08-officer-home-phone');
    await officer.context.close();
  });

  it('when the officer drafts a campaign and it raises money, then the officer requests a disbursement, the approver approves, the admin pays out and the officer reports the delivery with a photo, all on the public pages', async () => {
    // The field officer drafts the campaign, on a phone; the admin publishes it.
    const officer = await person(390);
    await signInByLink(officer.page, await askForLink(officer.page, people.officer.email));
    await officer.page.goto(`${base}/console/campaigns/new`);
    await officer.page.fill('#title', campaignTitle);
    await officer.page.fill('#summary', 'Boreholes and water committees for villages around Lodwar.');
    await officer.page.fill('#amount', '20000');
    await officer.page.selectOption('#currency', 'USD');
    await officer.page.selectOption('#kind', 'drought');
    await officer.page.fill('#countries', 'KE');
    await check(officer.page, '09-officer-drafts-campaign');
    await officer.page.getByRole('button', { name: 'Create draft' }).click();
    await expect.poll(() => officer.page.url()).toMatch(/\/console\/campaigns\/[^/?#]+/);
    campaignId = /\/console\/campaigns\/([^/?#]+)/.exec(officer.page.url())?.[1] ?? '';
    expect(campaignId).not.toBe('new');
    expect(await officer.page.getByRole('button', { name: 'Publish' }).count()).toBe(0);

    const admin = await person();
    await signInByLink(admin.page, await askForLink(admin.page, people.admin.email));
    await admin.page.goto(`${base}/console/campaigns/${campaignId}`);
    await admin.page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => admin.page.textContent('main')).toContain('The campaign is published');

    // Two gifts paid (Stripe's signed webhook, as in production).
    for (const amount of [30_000, 20_000]) {
      const donation = await eventually(
        () =>
          api.donate({
            campaignId,
            amount,
            currency: 'USD',
            donor: { email: `giver.${amount}@example.org` },
            interval: 'once',
          }),
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      await api.confirmPayment({ donationId: donation.donationId, amount, currency: 'USD', fee: 900 });
    }

    // The officer asks, on the phone.
    await eventually(
      async () => {
        await officer.page.goto(`${base}/console/money/campaigns/${campaignId}/request`);
        expect(await officer.page.getByLabel('Amount (USD)').count()).toBe(1);
      },
      { timeoutMs: 30_000 },
    );
    await officer.page.getByLabel('Amount (USD)').fill('250.50');
    await officer.page.getByLabel('Recipient', { exact: true }).fill('Lodwar Women’s Water Committee');
    await officer.page.getByLabel('Recipient’s country').fill('KE');
    await officer.page.getByLabel('Purpose').fill('Hand pump spare parts for 12 villages');
    await officer.page.getByLabel('Sector').fill('WASH');
    await check(officer.page, '10-request');
    await eventually(
      async () => {
        await officer.page.getByRole('button', { name: 'Request' }).click();
        await expect
          .poll(() => officer.page.getByRole('status').first().textContent(), { timeout: 2_000 })
          .toContain('Disbursement requested');
      },
      { timeoutMs: 30_000 },
    );
    requestUrl = officer.page.url();

    // The admin's own request: the admin cannot approve it (maker-checker).
    await admin.page.goto(`${base}/console/money/campaigns/${campaignId}/request`);
    await admin.page.getByLabel('Amount (USD)').fill('100');
    await admin.page.getByLabel('Recipient', { exact: true }).fill('Kakuma Relief Kitchen');
    await admin.page.getByLabel('Recipient’s country').fill('KE');
    await admin.page.getByLabel('Purpose').fill('Cooked meals for a week');
    await admin.page.getByLabel('Sector').fill('Food');
    await admin.page.getByRole('button', { name: 'Request' }).click();
    await admin.page.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => admin.page.getByRole('alert').first().textContent())
      .toContain('cannot approve or reject it (maker-checker)');
    await check(admin.page, '11-own-request-refused');

    // The approver, by passkey-less link this time, approves the officer's request.
    const approver = await person();
    await signInByLink(approver.page, await askForLink(approver.page, people.approver.email));
    await approver.page.goto(requestUrl);
    await approver.page.getByLabel('Comment (optional)').fill('Quotes from three suppliers checked');
    await check(approver.page, '12-approve');
    await approver.page.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => approver.page.getByRole('status').first().textContent())
      .toContain('approval is recorded');

    await admin.page.goto(requestUrl);
    await admin.page.getByLabel('Bank transfer reference').fill('KCB-2026-0042');
    await admin.page.getByRole('button', { name: 'Record payout' }).click();
    await expect
      .poll(() => admin.page.getByRole('status').first().textContent())
      .toContain('Payout recorded');

    await officer.page.goto(requestUrl);
    await officer.page.getByLabel('People reached').fill('1200');
    await officer.page
      .getByLabel('What was delivered')
      .fill('Spare parts fitted; 12 hand pumps working again');
    await officer.page.getByLabel('Area or town').fill('Lodwar');
    await officer.page
      .getByLabel('Evidence photo or document (optional)')
      .setInputFiles({ name: 'pump.png', mimeType: 'image/png', buffer: photo });
    await officer.page.getByRole('button', { name: 'Report delivery' }).click();
    await expect
      .poll(() => officer.page.getByRole('status').first().textContent())
      .toContain('Delivery reported');
    expect(await officer.page.textContent('main')).toContain(
      createHash('sha256').update(photo).digest('hex'),
    );
    await check(officer.page, '13-delivered-phone');

    // The treasurer's books: every disbursement and the audit log as spreadsheets.
    await admin.page.goto(`${base}/console/money/campaigns/${campaignId}`);
    const [sheet] = await Promise.all([
      admin.page.waitForEvent('download'),
      admin.page.getByRole('link', { name: 'Download all as a spreadsheet (CSV)' }).click(),
    ]);
    const rows = fs.readFileSync(await sheet.path(), 'utf8').split('\r\n');
    expect(rows[0]).toContain('id,requested_at,requested_by,amount,currency,recipient');
    expect(rows.find((row) => row.includes('Lodwar Women’s Water Committee'))).toMatch(
      new RegExp(`,${people.officer.name},250\\.50,USD,.*,delivered,1,1,.*,KCB-2026-0042,1,1200$`),
    );
    await admin.page.goto(`${base}/console/audit`);
    const [audit] = await Promise.all([
      admin.page.waitForEvent('download'),
      admin.page.getByRole('link', { name: 'Download all as a spreadsheet (CSV)' }).click(),
    ]);
    const auditText = fs.readFileSync(await audit.path(), 'utf8');
    expect(auditText).toContain(`,${people.admin.name},member.added,`);

    // The public record: the campaign page with the organization verified, the money paid and delivered.
    const visitor = await person(390);
    await eventually(
      async () => {
        await visitor.page.goto(`${base}/campaigns/${campaignId}`);
        const text = (await visitor.page.textContent('main')) ?? '';
        expect(text).toContain(campaignTitle);
        expect(text).toContain('Verified on');
        // Who it is, as the application said and the administrator checked: anyone can look it up.
        expect(text).toContain(`CH-${run}`);
        expect(text).toContain('water-trust.example.org');
        expect(text).toContain('Lodwar Women’s Water Committee');
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    await check(visitor.page, '14-public-campaign');
    for (const context of [admin.context, officer.context, approver.context, visitor.context])
      await context.close();
  });

  it('when someone tries what they may not, then it is refused: an expired link, a form without its token, another organization, a removed member mid-session', async () => {
    // An expired link: its time is played forward in the campaign service's database.
    const { context, page } = await person(360);
    const link = await askForLink(page, people.officer.email);
    const token = new URL(link).searchParams.get('token') ?? '';
    const connection = await mongoose
      .createConnection(testEndpoints().mongoUrl, { dbName: platform.databases.campaign })
      .asPromise();
    await connection
      .collection('sign_in_links')
      .updateOne({ _id: createHash('sha256').update(`sign-in:${token}`).digest('base64url') } as never, {
        $set: { expiresAt: new Date(Date.now() - 1000) },
      });
    await connection.close();
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.textContent('main')).toContain('This link has expired');
    await check(page, '15-expired-link-360');

    // Keyboard only, at 360 px: to the email field and the button, and on to the next page.
    const seen = (await messagesTo(people.officer.email)).filter((candidate) =>
      /sign-in link/.test(candidate.Subject),
    ).length;
    await page.goto(`${base}/console/sign-in`);
    for (
      let tab = 0;
      tab < 30 && (await page.evaluate(() => document.activeElement?.id)) !== 'email';
      tab += 1
    )
      await page.keyboard.press('Tab');
    await page.keyboard.type(people.officer.email);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await page.locator('h1').innerText()).trim()).toBe('Check your email');
    const fresh = await mailedLink(people.officer.email, /sign-in link/, seen);
    await signInByLink(page, fresh);

    // A form whose anti-forgery token is gone is refused, and nothing is requested.
    await page.goto(`${base}/console/money/campaigns/${campaignId}/request`);
    await page.evaluate(() =>
      document.querySelectorAll('input[name="csrf"]').forEach((input) => input.remove()),
    );
    await page.getByLabel('Amount (USD)').fill('10');
    await page.getByLabel('Recipient', { exact: true }).fill('Nobody');
    await page.getByLabel('Recipient’s country').fill('KE');
    await page.getByLabel('Purpose').fill('Forged');
    await page.getByLabel('Sector').fill('WASH');
    const [forged] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      page.getByRole('button', { name: 'Request' }).click(),
    ]);
    expect(forged.status()).toBe(403);

    // Another organization's admin cannot see this one's disbursement.
    const other = await api.createOrganization({
      name: `Other Relief ${run}`,
      country: 'SE',
      kind: 'ngo',
      admin: { name: 'Other Admin', email: `other.${run}@example.org` },
    });
    expect(other.id).not.toBe('');
    const outsider = await person();
    await signInByLink(outsider.page, await askForLink(outsider.page, `other.${run}@example.org`));
    const response = await outsider.page.goto(requestUrl);
    expect(response?.status()).toBe(404);
    expect(await outsider.page.textContent('main')).not.toContain('Lodwar Women’s Water Committee');
    await outsider.context.close();

    // The admin removes the officer; the officer's next step lands on the sign-in page.
    const admin = await person();
    await signInByLink(admin.page, await askForLink(admin.page, people.admin.email));
    await admin.page.goto(`${base}/console/members`);
    await admin.page.getByRole('link', { name: `Remove ${people.officer.name}` }).click();
    await admin.page.getByRole('button', { name: /Remove/ }).click();
    await expect.poll(() => admin.page.textContent('main')).not.toContain(people.officer.email);
    await eventually(
      async () => {
        await page.goto(`${base}/console/money`);
        expect(page.url()).toContain('/console/sign-in');
      },
      { timeoutMs: 15_000 },
    );
    await admin.context.close();
    await context.close();
  });
});
