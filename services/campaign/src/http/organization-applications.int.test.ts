import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestService, type TestService } from '../test-support/test-service.ts';
import {
  applicationListResponse,
  applicationResponse,
  submittedApplicationResponse,
} from './application-schemas.ts';
import { campaignWithUpdatesResponse, organizationProfileResponse, organizationResponse } from './schemas.ts';

let api: TestService;

beforeAll(async () => {
  // Every test applies from this one address: the per-address limits are out of the way here.
  api = await startTestService({
    RATE_LIMIT_APPLICATIONS_PER_ADDRESS: '1000/1m',
    RATE_LIMIT_APPLICATION_DOCUMENTS_PER_ADDRESS: '1000/1m',
  });
});

afterAll(async () => {
  await api?.stop();
});

const pdf = Buffer.from(
  '%PDF-1.7\n% registration certificate\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n',
);
const png = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function applicationInput(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Kenya Diaspora Water Trust',
    country: 'KE',
    kind: 'diaspora-association',
    registrationNumber: 'CH-1187432',
    website: 'https://water-trust.example.org',
    about: 'Wells and water committees in Turkana since 2019, funded by Kenyans in the UK.',
    contact: {
      name: 'Wanjiru Kamau',
      email: `wanjiru.${Math.random().toString(36).slice(2, 8)}@example.org`,
    },
    ...overrides,
  };
}

async function apply(overrides: Record<string, unknown> = {}) {
  const answer = await api.call('POST', '/v1/organization-applications', {
    body: applicationInput(overrides),
  });
  expect(answer.status).toBe(201);
  return submittedApplicationResponse.parse(answer.body);
}

function upload(applicationId: string, token: string | undefined, bytes: Buffer, name = 'certificate.pdf') {
  return fetch(
    `${api.service.url}/v1/organization-applications/${applicationId}/documents?name=${encodeURIComponent(name)}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/pdf',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: new Uint8Array(bytes),
    },
  );
}

async function read(applicationId: string) {
  const answer = await api.call('GET', `/v1/organization-applications/${applicationId}`, {
    key: api.platformKey,
  });
  expect(answer.status).toBe(200);
  return applicationResponse.parse(answer.body);
}

describe('applying to join', () => {
  it('when anyone applies, then it answers an id and an applicant token once, and the application is pending for the administrator', async () => {
    const submitted = await apply();
    expect(submitted.status).toBe('pending');
    expect(submitted.applicantToken).toMatch(/^app_[A-Za-z0-9_-]{43}$/);

    const application = await read(submitted.id);
    expect(application).toMatchObject({
      name: 'Kenya Diaspora Water Trust',
      country: 'KE',
      registrationNumber: 'CH-1187432',
      status: 'pending',
      documents: [],
      decision: null,
    });
    expect(JSON.stringify(application)).not.toContain(submitted.applicantToken);
    expect(JSON.stringify(application)).not.toContain(sha256(Buffer.from(submitted.applicantToken)));

    const pending = applicationListResponse.parse(
      (await api.call('GET', '/v1/organization-applications?status=pending', { key: api.platformKey })).body,
    );
    expect(pending.applications.map((candidate) => candidate.id)).toContain(submitted.id);
  });

  it.each([
    { case: 'a country that is no ISO code', overrides: { country: 'Kenya' }, field: 'country' },
    {
      case: 'a website that is no web address',
      overrides: { website: 'javascript:alert(1)' },
      field: 'website',
    },
    { case: 'no registration number', overrides: { registrationNumber: ' ' }, field: 'registrationNumber' },
    {
      case: 'a contact address that is no email',
      overrides: { contact: { name: 'W', email: 'not-an-email' } },
      field: 'contact.email',
    },
  ])('when an application has $case, then it is refused naming $field', async ({ overrides, field }) => {
    const answer = await api.call('POST', '/v1/organization-applications', {
      body: applicationInput(overrides),
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(problemOf(answer))).toContain(field);
  });
});

describe("an application's documents", () => {
  it('when the applicant uploads a PDF and a PNG, then they are stored with their type from the bytes, size and SHA-256, and the administrator downloads them as attachments', async () => {
    const submitted = await apply();
    const first = await upload(
      submitted.id,
      submitted.applicantToken,
      pdf,
      'Certificat d’enregistrement.pdf',
    );
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({
      contentType: 'application/pdf',
      size: pdf.length,
      sha256: sha256(pdf),
      name: 'Certificat d’enregistrement.pdf',
    });
    // Declared as a PDF, but the bytes say PNG: the bytes win.
    const second = await upload(submitted.id, submitted.applicantToken, png, 'board.png');
    expect(await second.json()).toMatchObject({ contentType: 'image/png', sha256: sha256(png) });

    const application = await read(submitted.id);
    expect(
      application.documents.map((document) => [document.name, document.contentType, document.size]),
    ).toEqual([
      ['Certificat d’enregistrement.pdf', 'application/pdf', pdf.length],
      ['board.png', 'image/png', png.length],
    ]);
    const documentId = application.documents[0]?.id ?? '';
    const download = await fetch(
      `${api.service.url}/v1/organization-applications/${submitted.id}/documents/${documentId}`,
      { headers: { authorization: `Bearer ${api.platformKey}` } },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="Certificat d_enregistrement.pdf"; filename\*=UTF-8''/,
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('when a document is not a PDF, JPEG or PNG, is too large, is the sixth, or comes without the applicant token, then it is refused', async () => {
    const submitted = await apply();
    expect(
      (await upload(submitted.id, submitted.applicantToken, Buffer.from('<html><script>alert(1)</script>')))
        .status,
    ).toBe(415);
    expect(
      (
        await upload(
          submitted.id,
          submitted.applicantToken,
          Buffer.concat([pdf, Buffer.alloc(10 * 1024 * 1024)]),
        )
      ).status,
    ).toBe(413);
    expect((await upload(submitted.id, undefined, pdf)).status).toBe(401);
    expect((await upload(submitted.id, 'app_someone-elses-token-someone-elses-token-xx', pdf)).status).toBe(
      401,
    );
    const other = await apply();
    expect((await upload(submitted.id, other.applicantToken, pdf)).status).toBe(401);
    for (let index = 0; index < 5; index += 1)
      expect((await upload(submitted.id, submitted.applicantToken, pdf, `d${index}.pdf`)).status).toBe(201);
    const sixth = await upload(submitted.id, submitted.applicantToken, pdf, 'd5.pdf');
    expect(sixth.status).toBe(409);
    expect(((await sixth.json()) as { code: string }).code).toBe('too-many-documents');
    expect((await read(submitted.id)).documents).toHaveLength(5);
  });
});

describe('reviewing applications', () => {
  it.each([
    { case: 'no key', key: undefined, status: 401 },
    { case: "an organization member's key", key: 'member', status: 403 },
    { case: 'an applicant token', key: 'applicant', status: 401 },
  ])('when applications are read or decided with $case, then it answers $status', async ({ key, status }) => {
    const submitted = await apply();
    const bearer =
      key === 'member'
        ? (await api.organization()).adminKey
        : key === 'applicant'
          ? submitted.applicantToken
          : undefined;
    for (const [method, path, body] of [
      ['GET', '/v1/organization-applications?status=pending', undefined],
      ['GET', `/v1/organization-applications/${submitted.id}`, undefined],
      [
        'POST',
        `/v1/organization-applications/${submitted.id}/decision`,
        { decision: 'approve', reason: 'looks fine' },
      ],
    ] as const) {
      expect((await api.call(method, path, { key: bearer, body })).status).toBe(status);
    }
    expect((await read(submitted.id)).status).toBe('pending');
  });

  it('when the administrator approves, then the organization is registered and verified, its admin the contact person, and the application cannot be decided again', async () => {
    const submitted = await apply();
    const answer = await api.call('POST', `/v1/organization-applications/${submitted.id}/decision`, {
      key: api.platformKey,
      body: { decision: 'approve', reason: 'Registration CH-1187432 checked with the Charity Commission' },
    });
    expect(answer.status).toBe(200);
    const decided = applicationResponse.parse(answer.body);
    expect(decided.status).toBe('approved');
    expect(decided.decision).toMatchObject({
      decision: 'approve',
      reason: 'Registration CH-1187432 checked with the Charity Commission',
    });
    const organizationId = decided.decision?.organizationId ?? '';
    expect(JSON.stringify(answer.body)).not.toMatch(/aid_[A-Za-z0-9_-]{43}/);

    const pending = applicationListResponse.parse(
      (await api.call('GET', '/v1/organization-applications?status=pending', { key: api.platformKey })).body,
    );
    expect(pending.applications.map((candidate) => candidate.id)).not.toContain(submitted.id);
    const approved = applicationListResponse.parse(
      (await api.call('GET', '/v1/organization-applications?status=approved', { key: api.platformKey })).body,
    );
    expect(approved.applications.map((candidate) => candidate.id)).toContain(submitted.id);

    const again = await api.call('POST', `/v1/organization-applications/${submitted.id}/decision`, {
      key: api.platformKey,
      body: { decision: 'reject', reason: 'second thoughts' },
    });
    expect(again.status).toBe(409);
    expect(problemOf(again).code).toBe('application-decided');

    // Nobody holds a key of the new organization (its admin signs in by email), so it is read where it is stored.
    const stored = await api.service.deps.db
      .collection('organizations')
      .findOne({ _id: organizationId } as Record<string, unknown>);
    expect(stored?.verification).toMatchObject({ status: 'verified', applicationId: submitted.id });
    expect(stored?.members).toEqual([
      expect.objectContaining({
        name: 'Wanjiru Kamau',
        role: 'admin',
        email: expect.stringMatching(/^wanjiru\./),
      }),
    ]);
    expect(stored?.audit.map((entry: { action: string }) => entry.action)).toEqual([
      'organization.registered',
      'member.added',
    ]);
    expect(stored?.audit[0].details).toEqual({
      name: 'Kenya Diaspora Water Trust',
      verified: true,
      applicationId: submitted.id,
      reason: 'Registration CH-1187432 checked with the Charity Commission',
    });
    expect(stored?.name).toBe('Kenya Diaspora Water Trust');
  });

  it('when an approval was recorded but its organization never registered (the service stopped in between), then approving again registers it', async () => {
    const submitted = await apply();
    const decide = () =>
      api.call('POST', `/v1/organization-applications/${submitted.id}/decision`, {
        key: api.platformKey,
        body: { decision: 'approve', reason: 'Checked' },
      });
    const organizationId = applicationResponse.parse((await decide()).body).decision?.organizationId ?? '';
    const organizations = api.service.deps.db.collection('organizations');
    await organizations.deleteOne({ _id: organizationId } as Record<string, unknown>);

    expect((await decide()).status).toBe(200);
    expect(await organizations.findOne({ _id: organizationId } as Record<string, unknown>)).toMatchObject({
      verification: { applicationId: submitted.id },
    });
    expect((await decide()).status).toBe(409);
  });

  it('when the administrator rejects, then the reason is recorded with the time, no organization exists, and a reason is required', async () => {
    const submitted = await apply();
    const noReason = await api.call('POST', `/v1/organization-applications/${submitted.id}/decision`, {
      key: api.platformKey,
      body: { decision: 'reject', reason: '' },
    });
    expect(noReason.status).toBe(400);
    const answer = await api.call('POST', `/v1/organization-applications/${submitted.id}/decision`, {
      key: api.platformKey,
      body: { decision: 'reject', reason: 'No such registration number' },
    });
    expect(answer.status).toBe(200);
    const decided = applicationResponse.parse(answer.body);
    expect(decided).toMatchObject({
      status: 'rejected',
      decision: { decision: 'reject', reason: 'No such registration number', organizationId: null },
    });
    expect(Date.parse(decided.decision?.decidedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    // Uploads stop with the decision.
    expect((await upload(submitted.id, submitted.applicantToken, pdf)).status).toBe(409);
    const stored = await api.service.deps.db
      .collection('organization_applications')
      .findOne({ _id: submitted.id } as Record<string, unknown>);
    expect(stored?.audit.map((entry: { action: string }) => entry.action)).toEqual([
      'application.submitted',
      'application.rejected',
    ]);
  });

  it('when an unknown application is read or decided, then it answers 404', async () => {
    const id = '0190f5c2-7b1a-7cc0-8000-000000000000';
    expect(
      (await api.call('GET', `/v1/organization-applications/${id}`, { key: api.platformKey })).status,
    ).toBe(404);
    expect(
      (
        await api.call('POST', `/v1/organization-applications/${id}/decision`, {
          key: api.platformKey,
          body: { decision: 'approve', reason: 'x' },
        })
      ).status,
    ).toBe(404);
  });
});

describe('verification', () => {
  it('when the platform administrator registers an organization directly, then it is verified, and its profile and campaign say since when', async () => {
    const { id, adminKey } = await api.organization();
    const campaign = await api.campaign(adminKey);
    expect((await api.call('POST', `/v1/campaigns/${campaign.id}/publish`, { key: adminKey })).status).toBe(
      200,
    );

    const organization = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).body,
    );
    expect(organization.verification).toMatchObject({
      status: 'verified',
      applicationId: null,
      verifiedAt: organization.createdAt,
    });
    const profile = organizationProfileResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}/profile`)).body,
    );
    expect(profile.organization.verification?.verifiedAt).toBe(organization.createdAt);
    const details = campaignWithUpdatesResponse.parse(
      (await api.call('GET', `/v1/campaigns/${campaign.id}`)).body,
    );
    expect(details.organization?.verification?.verifiedAt).toBe(organization.createdAt);
    expect(details.organizationVerifiedAt).toBe(organization.createdAt);
  });

  it('when an organization is not verified, then its campaign cannot be published and stays a draft', async () => {
    const { id, adminKey } = await api.organization();
    const campaign = await api.campaign(adminKey);
    await api.service.deps.db
      .collection('organizations')
      .updateOne({ _id: id } as Record<string, unknown>, { $set: { verification: null } });

    const answer = await api.call('POST', `/v1/campaigns/${campaign.id}/publish`, { key: adminKey });
    expect(answer.status).toBe(403);
    expect(problemOf(answer).code).toBe('organization-not-verified');
    expect((await api.call('GET', `/v1/campaigns/${campaign.id}`, { key: adminKey })).body).toMatchObject({
      status: 'draft',
    });
  });

  it('when an organization was stored before verification existed, then it reads as verified when it was created', async () => {
    const { id, adminKey } = await api.organization();
    await api.service.deps.db
      .collection('organizations')
      .updateOne({ _id: id } as Record<string, unknown>, { $unset: { verification: '' } });
    const organization = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).body,
    );
    expect(organization.verification).toEqual({
      status: 'verified',
      verifiedAt: organization.createdAt,
      applicationId: null,
    });
  });
});

describe('applying is rate limited per client address', () => {
  it('when one address sends more applications than its limit, then the next is refused with 429 and nothing is stored', async () => {
    const limited = await startTestService({ RATE_LIMIT_APPLICATIONS_PER_ADDRESS: '2/1h' });
    try {
      const send = () => limited.call('POST', '/v1/organization-applications', { body: applicationInput() });
      expect((await send()).status).toBe(201);
      expect((await send()).status).toBe(201);
      const third = await send();
      expect(third.status).toBe(429);
      const pending = applicationListResponse.parse(
        (await limited.call('GET', '/v1/organization-applications', { key: limited.platformKey })).body,
      );
      expect(pending.applications).toHaveLength(2);
    } finally {
      await limited.stop();
    }
  });
});
