import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizationPage } from '../../pages/campaign-pages.ts';
import { pageContext } from '../../pages/page-context.ts';
import type { OrganizationProfile } from '../../campaign-client.ts';
import {
  browserAt,
  startConsoleUnderTest,
  type ConsoleUnderTest,
} from '../test-support/console-under-test.ts';

type Browser = ReturnType<typeof browserAt>;

const pdf = Buffer.from(
  '%PDF-1.7\n% certificate of registration\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n',
);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// The campaign service allows 5 applications an hour per address, and every test here applies from one: this
// file sends at most 4.
describe('joining and vetting: /apply and /console/admin', () => {
  let platform: ConsoleUnderTest;

  beforeAll(async () => {
    platform = await startConsoleUnderTest();
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const applyFields = (csrf: string, overrides: Record<string, string> = {}) => ({
    csrf,
    name: 'Kenya Diaspora Water Trust',
    country: 'ke',
    kind: 'diaspora-association',
    registrationNumber: 'CH-1187432',
    website: 'https://water-trust.example.org',
    about: 'Wells and water committees in Turkana since 2019.',
    contactName: 'Wanjiru Kamau',
    contactEmail: 'wanjiru@example.org',
    ...overrides,
  });

  async function postMultipart(
    browser: Browser,
    path: string,
    fields: Record<string, string>,
    files: { name: string; type: string; bytes: Buffer }[] = [],
  ) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files)
      form.append('documents', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
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

  async function pendingIds(): Promise<string[]> {
    const answer = await platform.campaign.call('GET', '/v1/organization-applications?status=pending', {
      key: platform.campaign.platformKey,
    });
    return (answer.body as { applications: { id: string; name: string }[] }).applications.map(
      (application) => application.id,
    );
  }

  async function adminBrowser(): Promise<Browser> {
    const browser = browserAt(platform.url);
    const form = await browser.get('/console/admin/sign-in');
    const signedIn = await browser.post('/console/admin/sign-in', {
      csrf: browser.csrfOf(form.text),
      key: platform.campaign.platformKey,
      next: '/console/admin',
    });
    expect(signedIn).toMatchObject({ status: 303, location: '/console/admin' });
    return browser;
  }

  it('when an organization applies with its documents, then the campaign service holds the application with them, and the confirmation says what happens next', async () => {
    const browser = browserAt(platform.url);
    const form = await browser.get('/apply');
    expect(form.status).toBe(200);
    for (const label of [
      'Organization name',
      'Country of registration',
      'Registration number',
      'Website (optional)',
      'Email of the contact person',
      'Documents (up to 5)',
    ])
      expect(form.text).toContain(label);

    const before = await pendingIds();
    const sent = await postMultipart(browser, '/apply', applyFields(browser.csrfOf(form.text)), [
      { name: 'certificate.pdf', type: 'application/pdf', bytes: pdf },
      { name: 'notes.txt', type: 'application/pdf', bytes: Buffer.from('just text, named as a PDF') },
    ]);
    expect(sent).toMatchObject({ status: 303, location: '/apply/sent?documents=1&refused=1' });
    const confirmation = await browser.get(sent.location ?? '');
    expect(confirmation.text).toContain('Application received');
    expect(confirmation.text).toContain('What happens next');
    expect(confirmation.text).toContain('Documents received: 1');
    expect(confirmation.text).toContain('Documents not accepted');

    const added = (await pendingIds()).filter((id) => !before.includes(id));
    expect(added).toHaveLength(1);
    const application = (
      await platform.campaign.call('GET', `/v1/organization-applications/${added[0]}`, {
        key: platform.campaign.platformKey,
      })
    ).body;
    expect(application).toMatchObject({
      name: 'Kenya Diaspora Water Trust',
      country: 'KE',
      contact: { email: 'wanjiru@example.org' },
      documents: [{ name: 'certificate.pdf', contentType: 'application/pdf', sha256: sha256(pdf) }],
    });
  });

  it('when the form has mistakes or no anti-forgery token, then nothing is sent: errors are shown next to their fields, or the post is refused', async () => {
    const browser = browserAt(platform.url);
    const form = await browser.get('/apply');
    const before = await pendingIds();
    const wrong = await postMultipart(
      browser,
      '/apply',
      applyFields(browser.csrfOf(form.text), {
        country: 'Kenya',
        contactEmail: 'not-an-email',
        registrationNumber: '',
      }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(
      /id="country"[^>]*aria-invalid="true"[^>]*aria-describedby="country-hint country-error"/,
    );
    expect(wrong.text).toContain('id="country-error">Use the two-letter country code');
    expect(wrong.text).toContain('id="contactEmail-error">This does not look like an email address.');
    expect(wrong.text).toContain('id="registrationNumber-error">This is needed.');
    expect(wrong.text).toContain('value="Kenya Diaspora Water Trust"');

    const forged = await postMultipart(browser, '/apply', applyFields('not-the-token'));
    expect(forged.status).toBe(403);
    expect(await pendingIds()).toEqual(before);
  });

  it('when a visitor is not signed in as the administrator, then /console/admin asks for the key, and refuses a key that is not it', async () => {
    const browser = browserAt(platform.url);
    expect(await browser.get('/console/admin')).toMatchObject({
      status: 303,
      location: '/console/admin/sign-in?next=%2Fconsole%2Fadmin',
    });
    const form = await browser.get('/console/admin/sign-in');
    const organization = await platform.campaign.organization();
    for (const key of ['not-the-key', organization.adminKey]) {
      const refused = await browser.post('/console/admin/sign-in', {
        csrf: browser.csrfOf(form.text),
        key,
        next: '/console/admin',
      });
      expect(refused.status).toBe(401);
      expect(refused.text).toContain('This is not the platform administrator key.');
    }
    expect(browser.jar.has('console-admin')).toBe(false);
    // An organization member's console session opens nothing here.
    browser.jar.set(
      'console-admin',
      platform.sessions.cookieValueFor({
        token: organization.adminKey,
        memberId: 'm',
        name: 'Amina',
        email: null,
        role: 'admin',
        organizationId: organization.id,
        organizationName: 'Org',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        lastSeenAt: new Date().toISOString(),
      }),
    );
    expect((await browser.get('/console/admin')).status).toBe(303);
    const forged = await browser.post('/console/admin/sign-in', {
      csrf: 'forged',
      key: platform.campaign.platformKey,
      next: '/console/admin',
    });
    expect(forged.status).toBe(403);
  });

  it('when the administrator reviews and approves an application, then the list, the documents with their hashes and the decision are shown, and the organization is verified', async () => {
    const submitted = (
      await platform.campaign.call('POST', '/v1/organization-applications', {
        body: {
          name: 'Haiti Rebuild Network',
          country: 'HT',
          kind: 'ngo',
          registrationNumber: 'MAST-2211',
          about: 'Schools rebuilt after the earthquake.',
          contact: { name: 'Jean Baptiste', email: 'jean@example.org' },
        },
      })
    ).body as { id: string; applicantToken: string };
    const upload = await fetch(
      `${platform.campaign.url}/v1/organization-applications/${submitted.id}/documents?name=statuts.pdf`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${submitted.applicantToken}`, 'content-type': 'application/pdf' },
        body: new Uint8Array(pdf),
      },
    );
    expect(upload.status).toBe(201);
    const documentId = ((await upload.json()) as { id: string }).id;

    const admin = await adminBrowser();
    expect(admin.jar.has('console-admin')).toBe(true);
    const list = await admin.get('/console/admin');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Applications waiting for a decision');
    expect(list.text).toContain(
      `href="/console/admin/applications/${submitted.id}"><strong>Haiti Rebuild Network</strong>`,
    );

    const page = await admin.get(`/console/admin/applications/${submitted.id}`);
    expect(page.text).toContain('MAST-2211');
    expect(page.text).toContain('jean@example.org');
    expect(page.text).toContain('statuts.pdf');
    expect(page.text).toContain(sha256(pdf));

    const download = await fetch(
      `${platform.url}/console/admin/applications/${submitted.id}/documents/${documentId}`,
      { headers: { cookie: `console-admin=${admin.jar.get('console-admin')}` } },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="statuts.pdf"/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);

    const csrf = admin.csrfOf(page.text);
    const noReason = await admin.post(`/console/admin/applications/${submitted.id}/decision`, {
      csrf,
      decision: 'approve',
      reason: '',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toMatch(/id="reason"[^>]*aria-invalid="true"/);
    expect(
      (
        await admin.post(`/console/admin/applications/${submitted.id}/decision`, {
          csrf: 'forged',
          decision: 'approve',
          reason: 'ok',
        })
      ).status,
    ).toBe(403);

    const approved = await admin.post(`/console/admin/applications/${submitted.id}/decision`, {
      csrf,
      decision: 'approve',
      reason: 'Registration MAST-2211 confirmed with the ministry',
    });
    expect(approved).toMatchObject({
      status: 303,
      location: `/console/admin/applications/${submitted.id}?decided=1`,
    });
    const shown = await admin.get(approved.location ?? '');
    expect(shown.text).toContain('The decision is recorded.');
    expect(shown.text).toMatch(/Approved on .*: the organization is registered and verified\./);
    expect(shown.text).toContain('Reason: Registration MAST-2211 confirmed with the ministry');
    expect(shown.text).not.toContain('name="decision"');

    const again = await admin.post(`/console/admin/applications/${submitted.id}/decision`, {
      csrf,
      decision: 'reject',
      reason: 'second thoughts',
    });
    expect(again.status).toBe(409);
    expect(again.text).toContain('already approved');
    expect(await pendingIds()).not.toContain(submitted.id);

    const decided = (
      await platform.campaign.call('GET', `/v1/organization-applications/${submitted.id}`, {
        key: platform.campaign.platformKey,
      })
    ).body as { decision: { organizationId: string } };
    const stored = await (
      await platform.campaignDatabase()
    )
      .collection('organizations')
      .findOne({ _id: decided.decision.organizationId } as Record<string, unknown>);
    expect(stored?.verification).toMatchObject({ status: 'verified', applicationId: submitted.id });
    expect(stored?.members[0]).toMatchObject({
      name: 'Jean Baptiste',
      email: 'jean@example.org',
      role: 'admin',
    });
  });

  it('when the administrator rejects an application, then the page shows the rejection and its reason', async () => {
    const submitted = (
      await platform.campaign.call('POST', '/v1/organization-applications', {
        body: {
          name: 'Unknown Relief',
          country: 'GB',
          kind: 'foundation',
          registrationNumber: '000',
          about: 'We help.',
          contact: { name: 'A B', email: 'ab@example.org' },
        },
      })
    ).body as { id: string };
    const admin = await adminBrowser();
    const page = await admin.get(`/console/admin/applications/${submitted.id}`);
    const rejected = await admin.post(`/console/admin/applications/${submitted.id}/decision`, {
      csrf: admin.csrfOf(page.text),
      decision: 'reject',
      reason: 'No charity with number 000 on the register',
    });
    expect(rejected.status).toBe(303);
    const shown = await admin.get(rejected.location ?? '');
    expect(shown.text).toMatch(/Rejected on /);
    expect(shown.text).toContain('Reason: No charity with number 000 on the register');
  });

  it('shows "Verified on <date>" or "Not verified" on the public organization page', () => {
    const page = pageContext({ locale: 'en', url: '/organizations/o1' });
    const profile = (
      verification: OrganizationProfile['organization']['verification'],
    ): OrganizationProfile => ({
      organization: {
        id: 'o1',
        name: 'Haiti Rebuild Network',
        country: 'HT',
        kind: 'ngo',
        createdAt: '2026-01-05T10:00:00.000Z',
        verification,
      },
      campaigns: [],
    });
    expect(
      organizationPage(page, profile({ status: 'verified', verifiedAt: '2026-02-10T09:00:00.000Z' }), []),
    ).toContain('Verified on Feb 10, 2026');
    expect(organizationPage(page, profile(null), [])).toContain('Not verified');
  });
});
