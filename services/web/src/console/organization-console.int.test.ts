import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleSession } from './console-session.ts';
import {
  browserAt,
  startConsoleUnderTest,
  type ConsoleUnderTest,
} from './test-support/console-under-test.ts';

type Browser = ReturnType<typeof browserAt>;

interface Organization {
  id: string;
  name: string;
  admin: { id: string; name: string; key: string };
}

describe("an organization's console: home, campaigns, members and audit", () => {
  let platform: ConsoleUnderTest;
  let org: Organization;
  let other: Organization;

  async function register(name: string): Promise<Organization> {
    const answer = await platform.campaign.call('POST', '/v1/organizations', {
      key: platform.campaign.platformKey,
      body: {
        name,
        country: 'GB',
        kind: 'diaspora-association',
        admin: { name: 'Amina Shah', email: `amina.${randomBytes(3).toString('hex')}@example.org` },
      },
    });
    const body = answer.body as { id: string; apiKey: string; member: { id: string; name: string } };
    return { id: body.id, name, admin: { id: body.member.id, name: body.member.name, key: body.apiKey } };
  }

  async function addMember(
    organization: Organization,
    role: 'admin' | 'approver' | 'field-officer',
    name: string,
  ) {
    const answer = await platform.campaign.call('POST', `/v1/organizations/${organization.id}/members`, {
      key: organization.admin.key,
      body: { name, email: `${role}.${randomBytes(3).toString('hex')}@example.org`, role },
    });
    const body = answer.body as { id: string; apiKey: string };
    return { id: body.id, name, key: body.apiKey, role };
  }

  /** A browser signed in with a member's API key in its session cookie, as a key works like a session token. */
  function signedIn(
    organization: Organization,
    member: { id: string; name: string; key: string; role?: ConsoleSession['role'] },
  ): Browser {
    const now = new Date();
    const session: ConsoleSession = {
      token: member.key,
      memberId: member.id,
      name: member.name,
      email: null,
      role: member.role ?? 'admin',
      organizationId: organization.id,
      organizationName: organization.name,
      expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
      lastSeenAt: now.toISOString(),
    };
    const browser = browserAt(platform.url);
    browser.jar.set('console', platform.sessions.cookieValueFor(session));
    return browser;
  }

  /** Posts a multipart form (the update form has a file input) with the browser's cookies. */
  async function postMultipart(
    browser: Browser,
    path: string,
    fields: Record<string, string>,
    file?: { name: string; type: string; bytes: Buffer },
  ) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (file) form.append('photo', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const response = await fetch(`${platform.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...browser.jar].map(([name, value]) => `${name}=${value}`).join('; '),
        'accept-language': 'en',
      },
      body: form,
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }

  const campaignForm = (csrf: string, overrides: Record<string, string> = {}) => ({
    csrf,
    title: 'Sindh floods: clean water',
    summary: 'Water filters for displaced families.',
    amount: '25000',
    currency: 'GBP',
    kind: 'flood',
    countries: 'pk',
    glide: '',
    ...overrides,
  });

  async function createCampaign(browser: Browser, overrides: Record<string, string> = {}): Promise<string> {
    const form = await browser.get('/console/campaigns/new');
    const created = await browser.post(
      '/console/campaigns',
      campaignForm(browser.csrfOf(form.text), overrides),
    );
    expect(created.status).toBe(303);
    return /\/console\/campaigns\/([^?]+)\?done=created/.exec(created.location ?? '')?.[1] ?? '';
  }

  beforeAll(async () => {
    platform = await startConsoleUnderTest();
    org = await register('Sindh Relief UK');
    other = await register('Horn of Africa Relief');
  }, 60_000);
  afterAll(() => platform?.stop());

  it('when a signed-out visitor opens the console home, then they are sent to sign in and brought back', async () => {
    const page = await browserAt(platform.url).get('/console');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/console/sign-in?next=%2Fconsole');
  });

  it('when an admin creates a campaign with the form, then the service holds the draft and the home page and list show it', async () => {
    const browser = signedIn(org, org.admin);
    const id = await createCampaign(browser, {
      title: 'Winter kits for Quetta',
      amount: '12,500.50',
      glide: 'fl-2022-000254-pak',
    });
    const held = await platform.campaign.call('GET', `/v1/campaigns/${id}`, { key: org.admin.key });
    expect(held.body).toMatchObject({
      status: 'draft',
      title: 'Winter kits for Quetta',
      goal: { amount: 1_250_050, currency: 'GBP' },
      crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
    });

    const shown = await browser.get(`/console/campaigns/${id}?done=created`);
    expect(shown.text).toContain('created as a draft');
    const home = await browser.get('/console');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Sindh Relief UK');
    expect(home.text).toContain('Amina Shah');
    expect(home.text).toContain('Winter kits for Quetta');
    expect(home.text).toContain('Draft waiting to be published');
    // No disbursement service answers in this set-up: the home page still works, the figures say they are not known.
    const published = await createCampaign(browser, { title: 'Published one' });
    await browser.post(`/console/campaigns/${published}/publish`, { csrf: browser.csrfOf(home.text) });
    expect((await browser.get('/console')).text).toMatch(
      /<td data-label="Raised" class="num">not known yet<\/td>/,
    );
    const list = await browser.get('/console/campaigns');
    expect(list.text).toContain(`href="/console/campaigns/${id}"`);
  });

  it('when the form has mistakes, then it comes back with each error next to its field and nothing is created', async () => {
    const browser = signedIn(org, org.admin);
    const before = (
      (await platform.campaign.call('GET', `/v1/organizations/${org.id}/campaigns`, { key: org.admin.key }))
        .body as { campaigns: unknown[] }
    ).campaigns.length;
    const form = await browser.get('/console/campaigns/new');
    const refused = await browser.post(
      '/console/campaigns',
      campaignForm(browser.csrfOf(form.text), { title: '', amount: 'lots', countries: 'Pakistan' }),
    );
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/id="title"[^>]*aria-invalid="true"[^>]*aria-describedby="title-error"/);
    expect(refused.text).toContain('id="amount-error"');
    expect(refused.text).toContain('id="countries-error"');
    // A refusal only the service can make (a GLIDE number of the wrong shape) is shown next to its field too.
    const glide = await browser.post(
      '/console/campaigns',
      campaignForm(browser.csrfOf(form.text), { glide: 'FLOOD-1' }),
    );
    expect(glide.status).toBe(400);
    expect(glide.text).toContain('id="glide-error"');
    const after = (
      (await platform.campaign.call('GET', `/v1/organizations/${org.id}/campaigns`, { key: org.admin.key }))
        .body as { campaigns: unknown[] }
    ).campaigns.length;
    expect(after).toBe(before);
  });

  it('when a form comes without its anti-forgery token, then it is refused with 403 and nothing is created', async () => {
    const browser = signedIn(org, org.admin);
    await browser.get('/console/campaigns/new');
    const forged = await browser.post(
      '/console/campaigns',
      campaignForm('forged', { title: 'Forged campaign' }),
    );
    expect(forged.status).toBe(403);
    const { campaigns } = (
      await platform.campaign.call('GET', `/v1/organizations/${org.id}/campaigns`, { key: org.admin.key })
    ).body as { campaigns: { title: string }[] };
    expect(campaigns.some((campaign) => campaign.title === 'Forged campaign')).toBe(false);
  });

  it('when an admin edits and publishes a campaign, then it is changed and active; a field officer asking to close it is shown the service’s refusal', async () => {
    const admin = signedIn(org, org.admin);
    const id = await createCampaign(admin);
    const edit = await admin.get(`/console/campaigns/${id}/edit`);
    expect(edit.text).toContain('value="25000.00"');
    const saved = await admin.post(
      `/console/campaigns/${id}/edit`,
      campaignForm(admin.csrfOf(edit.text), { title: 'Sindh floods: water and soap' }),
    );
    expect(saved.status).toBe(303);
    const page = await admin.get(`/console/campaigns/${id}`);
    const published = await admin.post(`/console/campaigns/${id}/publish`, { csrf: admin.csrfOf(page.text) });
    expect(published.status).toBe(303);
    expect(published.location).toBe(`/console/campaigns/${id}?done=published`);
    expect((await platform.campaign.call('GET', `/v1/campaigns/${id}`)).body).toMatchObject({
      status: 'active',
      title: 'Sindh floods: water and soap',
    });

    const confirm = await admin.get(`/console/campaigns/${id}/close`);
    expect(confirm.text).toContain('Close “Sindh floods: water and soap”?');
    expect(confirm.text).toContain(`action="/console/campaigns/${id}/close"`);

    const officer = await addMember(org, 'field-officer', 'Bilal Khan');
    const browser = signedIn(org, { ...officer, role: 'field-officer' });
    const officerPage = await browser.get(`/console/campaigns/${id}`);
    expect(officerPage.text).not.toContain(`/console/campaigns/${id}/close`);
    const refused = await browser.post(`/console/campaigns/${id}/close`, {
      csrf: browser.csrfOf(officerPage.text),
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('closing a campaign needs the admin role');
    expect(
      ((await platform.campaign.call('GET', `/v1/campaigns/${id}`)).body as { status: string }).status,
    ).toBe('active');
  });

  it('when an update is posted with a photo, then the console and the public page show it with its hash; a file that is not an image is refused at the photo field', async () => {
    const admin = signedIn(org, org.admin);
    const id = await createCampaign(admin, { title: 'Photo campaign' });
    const draftPage = await admin.get(`/console/campaigns/${id}`);
    await admin.post(`/console/campaigns/${id}/publish`, { csrf: admin.csrfOf(draftPage.text) });
    const page = await admin.get(`/console/campaigns/${id}`);
    const csrf = admin.csrfOf(page.text);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);

    const posted = await postMultipart(
      admin,
      `/console/campaigns/${id}/updates`,
      { csrf, updateTitle: 'Filters arrived', updateBody: '200 filters in Dadu.' },
      { name: 'filters.jpg', type: 'image/jpeg', bytes: jpeg },
    );
    expect(posted.status).toBe(303);
    const { updates } = (await platform.campaign.call('GET', `/v1/campaigns/${id}`)).body as {
      updates: { id: string; photo: { sha256: string } | null }[];
    };
    const sha256 = updates[0]?.photo?.sha256 ?? '';
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    const shown = await admin.get(`/console/campaigns/${id}?done=update-posted`);
    expect(shown.text).toContain('Filters arrived');
    expect(shown.text).toContain(sha256);
    const photo = await fetch(`${platform.url}/campaigns/${id}/updates/${updates[0]?.id}/photo`);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await photo.arrayBuffer()).equals(jpeg)).toBe(true);

    // Declared as a JPEG, but the bytes are a PDF: the service reads the bytes.
    const refused = await postMultipart(
      admin,
      `/console/campaigns/${id}/updates`,
      { csrf, updateTitle: 'Not a photo', updateBody: 'x' },
      { name: 'scan.jpg', type: 'image/jpeg', bytes: Buffer.from('%PDF-1.7 a scan') },
    );
    expect(refused.status).toBe(415);
    expect(refused.text).toMatch(/id="photo"[^>]*aria-invalid="true"/);
    expect(refused.text).toContain('must be a JPEG, PNG or WebP');
    expect(refused.text).toContain('value="Not a photo"');

    const tooLarge = await postMultipart(
      admin,
      `/console/campaigns/${id}/updates`,
      { csrf, updateTitle: 'Too large', updateBody: 'x' },
      { name: 'big.jpg', type: 'image/jpeg', bytes: Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024)]) },
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text).toMatch(/id="photo"[^>]*aria-invalid="true"/);
    expect(tooLarge.text).toContain('larger than 5 MB');

    const forged = await postMultipart(admin, `/console/campaigns/${id}/updates`, {
      csrf: 'forged',
      updateTitle: 'Forged',
      updateBody: 'x',
    });
    expect(forged.status).toBe(403);
  });

  it("when a member of another organization opens a draft or posts to it, then they see the service's refusal and nothing changes", async () => {
    const id = await createCampaign(signedIn(org, org.admin), { title: 'Private draft' });
    const stranger = signedIn(other, other.admin);
    const page = await stranger.get(`/console/campaigns/${id}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('Private draft');
    // Said inside the console, in the service's words.
    expect(page.text).toContain('class="console-nav"');
    expect(page.text).toContain(`no campaign ${id}`);
    const home = await stranger.get('/console');
    expect(home.text).not.toContain('Private draft');
    const forms = await stranger.get('/console/campaigns/new');
    const publish = await stranger.post(`/console/campaigns/${id}/publish`, {
      csrf: stranger.csrfOf(forms.text),
    });
    expect(publish.status).toBe(403);
    expect(
      (
        (await platform.campaign.call('GET', `/v1/campaigns/${id}`, { key: org.admin.key })).body as {
          status: string;
        }
      ).status,
    ).toBe('draft');
  });

  it('when an admin invites a member, then they are emailed a sign-in link, listed with their role, and their key is never shown', async () => {
    const admin = signedIn(org, org.admin);
    const page = await admin.get('/console/members');
    const email = `hodan.${randomBytes(3).toString('hex')}@example.org`;
    const invited = await admin.post('/console/members', {
      csrf: admin.csrfOf(page.text),
      name: 'Hodan Ali',
      email,
      role: 'approver',
    });
    expect(invited.status).toBe(303);
    expect(invited.location).toBe('/console/members?done=invited');
    expect(invited.text).not.toContain('aid_');
    expect(platform.mail.linkTo(email).pathname).toBe('/console/sign-in/link');
    const listed = await admin.get('/console/members?done=invited');
    expect(listed.text).toContain('Hodan Ali');
    expect(listed.text).toContain('approver');
    expect(listed.text).not.toContain('aid_');

    const again = await admin.post('/console/members', {
      csrf: admin.csrfOf(page.text),
      name: 'Hodan again',
      email,
      role: 'approver',
    });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/id="email"[^>]*aria-invalid="true"/);
  });

  it('when an admin rotates a member’s key, then the new key is shown once, not stored by the browser, and works; the last admin cannot be removed', async () => {
    const admin = signedIn(org, org.admin);
    const integration = await addMember(org, 'field-officer', 'Upload script');
    // The row links to a page that asks first; only its post replaces the key.
    const page = await admin.get(`/console/members/${integration.id}/api-key`);
    expect(page.text).toContain('Make a new API key for Upload script?');
    expect(
      (await platform.campaign.call('GET', `/v1/organizations/${org.id}`, { key: integration.key })).status,
    ).toBe(200);
    const response = await fetch(`${platform.url}/console/members/${integration.id}/api-key`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...admin.jar].map(([name, value]) => `${name}=${value}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ csrf: admin.csrfOf(page.text) }).toString(),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).toContain('it will not be shown again');
    const key = /(aid_[A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
    expect((await platform.campaign.call('GET', `/v1/organizations/${org.id}`, { key })).status).toBe(200);
    expect(
      (await platform.campaign.call('GET', `/v1/organizations/${org.id}`, { key: integration.key })).status,
    ).toBe(401);

    // Only one admin: removing them is refused with the service's reason.
    const lonely = await register('One Admin Org');
    const alone = signedIn(lonely, lonely.admin);
    const members = await alone.get('/console/members');
    const removed = await alone.post(`/console/members/${lonely.admin.id}/remove`, {
      csrf: alone.csrfOf(members.text),
    });
    expect(removed.status).toBe(409);
    expect(removed.text).toContain('no admin left');
  });

  it('when an admin removes a member, then they are gone from the list; a field officer sees the list read-only', async () => {
    const admin = signedIn(org, org.admin);
    const leaving = await addMember(org, 'approver', 'Leaving Person');
    const page = await admin.get('/console/members');
    expect(page.text).toContain('Leaving Person');
    expect(page.text).toContain(`href="/console/members/${leaving.id}/remove"`);
    const removed = await admin.post(`/console/members/${leaving.id}/remove`, {
      csrf: admin.csrfOf(page.text),
    });
    expect(removed.location).toBe('/console/members?done=removed');
    expect((await admin.get('/console/members')).text).not.toContain('Leaving Person');

    const officer = await addMember(org, 'field-officer', 'Read Only');
    const readOnly = await signedIn(org, { ...officer, role: 'field-officer' }).get('/console/members');
    expect(readOnly.status).toBe(200);
    expect(readOnly.text).toContain('Amina Shah');
    expect(readOnly.text).not.toContain('/remove"');
    expect(readOnly.text).not.toContain('action="/console/members"');
  });

  it('when an admin opens the audit log, then it names who did what; a field officer is refused by the service', async () => {
    const admin = signedIn(org, org.admin);
    await createCampaign(admin, { title: 'Audited campaign' });
    const audit = await admin.get('/console/audit');
    expect(audit.status).toBe(200);
    expect(audit.text).toContain('campaign.created');
    expect(audit.text).toMatch(/<td data-label="Who">Amina Shah<\/td>/);

    const officer = await addMember(org, 'field-officer', 'Not An Admin');
    const refused = await signedIn(org, { ...officer, role: 'field-officer' }).get('/console/audit');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('class="console-nav"');
    expect(refused.text).toContain('needs the admin role');
  });

  it("when an admin sets the organization's approval rule, then members read it and only admins can change it", async () => {
    const admin = signedIn(org, org.admin);
    const page = await admin.get('/console/members');
    expect(page.text).toContain('needs 2 different approvers');
    const saved = await admin.post('/console/members/approval-rule', {
      csrf: admin.csrfOf(page.text),
      approvalsAboveThreshold: '3',
    });
    expect(saved.status).toBe(303);
    const after = await admin.get(saved.location ?? '/console/members');
    expect(after.text).toContain('The approval rule is saved');
    expect(after.text).toContain('needs 3 different approvers');
    expect(
      (await platform.campaign.call('GET', `/v1/organizations/${org.id}/settings`, { key: org.admin.key }))
        .body,
    ).toEqual({ approvalsAboveThreshold: 3 });

    const approver = signedIn(org, {
      ...(await addMember(org, 'approver', 'Rule Reader')),
      role: 'approver',
    });
    const read = await approver.get('/console/members');
    expect(read.text).toContain('needs 3 different approvers');
    expect(read.text).not.toContain('action="/console/members/approval-rule"');
    const refused = await approver.post('/console/members/approval-rule', {
      csrf: approver.csrfOf(read.text),
      approvalsAboveThreshold: '2',
    });
    expect(refused.status).toBe(403);
    expect(
      (await platform.campaign.call('GET', `/v1/organizations/${org.id}/settings`, { key: org.admin.key }))
        .body,
    ).toEqual({ approvalsAboveThreshold: 3 });
  });

  it('when an admin creates an integration, then its key is shown once, works with its role, and the members page lists it without an email', async () => {
    const admin = signedIn(org, org.admin);
    const page = await admin.get('/console/members');
    const created = await admin.post('/console/members/integrations', {
      csrf: admin.csrfOf(page.text),
      name: 'Accounting export',
      role: 'approver',
    });
    expect(created.status).toBe(201);
    const key = /aid_[A-Za-z0-9_-]{43}/.exec(created.text)?.[0] ?? '';
    expect(key).not.toBe('');
    expect((await platform.campaign.call('GET', '/v1/me', { key })).body).toMatchObject({
      member: { name: 'Accounting export', role: 'approver', email: null },
    });
    const listed = await admin.get('/console/members');
    expect(listed.text).toContain('Accounting export');
    expect(listed.text).not.toContain(key);
    const forged = await admin.post('/console/members/integrations', { name: 'Forged', role: 'admin' });
    expect(forged.status).toBe(403);
  });
});
