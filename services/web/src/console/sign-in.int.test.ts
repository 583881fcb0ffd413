import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAt,
  startConsoleUnderTest,
  type ConsoleUnderTest,
} from './test-support/console-under-test.ts';

describe('people sign in to the console by an emailed link', () => {
  let platform: ConsoleUnderTest;
  let organizationId = '';
  let adminKey = '';
  const email = `amina.${randomBytes(3).toString('hex')}@example.org`;

  beforeAll(async () => {
    platform = await startConsoleUnderTest();
    const answer = await platform.campaign.call('POST', '/v1/organizations', {
      key: platform.campaign.platformKey,
      body: {
        name: 'Sindh Relief UK',
        country: 'GB',
        kind: 'diaspora-association',
        admin: { name: 'Amina Shah', email },
      },
    });
    ({ id: organizationId, apiKey: adminKey } = answer.body as { id: string; apiKey: string });
  }, 60_000);
  afterAll(() => platform?.stop());

  /** Asks for a link in `browser` and returns the path of the link that was mailed. */
  async function askForLink(browser: ReturnType<typeof browserAt>, address = email): Promise<string> {
    const form = await browser.get('/console/sign-in');
    const sent = await browser.post('/console/sign-in', {
      csrf: browser.csrfOf(form.text),
      email: address,
      next: '/console/account',
    });
    expect(sent.status).toBe(200);
    expect(sent.text).toContain(address);
    const url = platform.mail.linkTo(address);
    return `${url.pathname}${url.search}`;
  }

  async function signIn(browser: ReturnType<typeof browserAt>): Promise<void> {
    const link = await askForLink(browser);
    const opened = await browser.get(link);
    const used = await browser.post('/console/sign-in/link', {
      csrf: browser.csrfOf(opened.text),
      token: new URL(link, 'http://x').searchParams.get('token') ?? '',
    });
    expect(used.status).toBe(303);
  }

  it('when a signed-out visitor opens the console, then they are sent to sign in and brought back afterwards', async () => {
    const browser = browserAt(platform.url);
    const page = await browser.get('/console/account');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/console/sign-in?next=%2Fconsole%2Faccount');
  });

  it('when the emailed link is opened, then nothing happens until the person presses the button; then they are signed in with a private cookie', async () => {
    const browser = browserAt(platform.url);
    const link = await askForLink(browser);
    const opened = await browser.get(link);
    expect(opened.status).toBe(200);
    expect(browser.jar.has('console')).toBe(false);

    const token = new URL(link, 'http://x').searchParams.get('token') ?? '';
    const response = await fetch(`${platform.url}/console/sign-in/link`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...browser.jar].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      body: new URLSearchParams({ csrf: browser.csrfOf(opened.text), token }).toString(),
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith('console=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/console/);
    // This test's site is on 127.0.0.1: the one place a cookie may go without Secure.
    expect(cookie).not.toMatch(/Secure/);
    const session = platform.sessions.sessionInCookieValue(
      cookie.split(';')[0]?.slice('console='.length) ?? '',
    );
    expect(session?.organizationId).toBe(organizationId);
    expect(session?.role).toBe('admin');
    expect(session?.token.startsWith('aid_s.')).toBe(true);

    // The same link again, from anywhere: refused, and said why.
    const again = await browser.post('/console/sign-in/link', { csrf: browser.csrfOf(opened.text), token });
    expect(again.status).toBe(409);
    expect(again.text).toContain('This link was already used');
  });

  it('when a link has expired, then it signs nobody in and the page says to ask for a new one', async () => {
    const browser = browserAt(platform.url);
    const link = await askForLink(browser);
    const token = new URL(link, 'http://x').searchParams.get('token') ?? '';
    // Time passes: the link's expiry is moved into the past, as 15 minutes would.
    await (
      await platform.campaignDatabase()
    )
      .collection('sign_in_links')
      .updateOne(
        { _id: createHash('sha256').update(`sign-in:${token}`).digest('base64url') } as Record<
          string,
          unknown
        >,
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
    const opened = await browser.get(link);
    const used = await browser.post('/console/sign-in/link', { csrf: browser.csrfOf(opened.text), token });
    expect(used.status).toBe(410);
    expect(used.text).toContain('This link has expired');
    expect(browser.jar.has('console')).toBe(false);
  });

  it('when a form comes without its anti-forgery token, then it is refused and nothing is sent', async () => {
    const browser = browserAt(platform.url);
    await browser.get('/console/sign-in');
    const before = platform.mail.sent.length;
    const forged = await browser.post('/console/sign-in', { email });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('This form expired or did not come from this site');
    expect(platform.mail.sent.length).toBe(before);
  });

  it('when the person signs out everywhere, then their other devices are sent to sign in again', async () => {
    const phone = browserAt(platform.url);
    const laptop = browserAt(platform.url);
    await signIn(phone);
    await signIn(laptop);
    expect((await laptop.get('/console/account')).status).toBe(200);

    const account = await phone.get('/console/account');
    expect(account.status).toBe(200);
    const out = await phone.post('/console/sign-out-everywhere', { csrf: phone.csrfOf(account.text) });
    expect(out.status).toBe(200);
    expect(phone.jar.has('console')).toBe(false);

    const elsewhere = await laptop.get('/console/account');
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.location).toBe('/console/sign-in');
    expect(laptop.jar.has('console')).toBe(false);
  });

  it('when an admin removes a member mid-session, then the member is signed out at their next step', async () => {
    const officerEmail = `omar.${randomBytes(3).toString('hex')}@example.org`;
    const added = await platform.campaign.call('POST', `/v1/organizations/${organizationId}/members`, {
      key: adminKey,
      body: { name: 'Omar', email: officerEmail, role: 'field-officer', invite: true },
    });
    expect(added.status).toBe(201);
    const officer = browserAt(platform.url);
    const invitation = platform.mail.linkTo(officerEmail);
    const opened = await officer.get(`${invitation.pathname}${invitation.search}`);
    await officer.post('/console/sign-in/link', {
      csrf: officer.csrfOf(opened.text),
      token: invitation.searchParams.get('token') ?? '',
    });
    const account = await officer.get('/console/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('Signed in as Omar, Sindh Relief UK');

    await platform.campaign.call(
      'DELETE',
      `/v1/organizations/${organizationId}/members/${(added.body as { id: string }).id}`,
      { key: adminKey },
    );
    const next = await officer.get('/console/account');
    expect(next.status).toBe(303);
    expect(next.location).toBe('/console/sign-in');
  });
});
