import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { errorCodeOf, fixedNow, sequentialIds } from './fixtures.ts';
import {
  addDocument,
  applicationDocumentLimitBytes,
  decideApplication,
  documentTypeOf,
  submitApplication,
  type OrganizationApplication,
} from './organization-application.ts';
import { registerOrganization } from './organization.ts';

const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);

function anApplication(overrides: Partial<OrganizationApplication> = {}): OrganizationApplication {
  return {
    ...submitApplication(
      {
        name: 'Kenya Diaspora Water Trust',
        country: 'KE',
        kind: 'diaspora-association',
        registrationNumber: 'CH-12345',
        about: 'Wells in Turkana since 2019.',
        contact: { name: 'Wanjiru Kamau', email: ' Wanjiru@Example.ORG ' },
      },
      { now: fixedNow, newId: sequentialIds('application'), applicantTokenHash: 'h'.repeat(64) },
    ),
    ...overrides,
  };
}

const provided = () => ({ now: fixedNow, newId: sequentialIds('document') });

describe('an organization application', () => {
  it('when submitted, then it is pending, without documents or decision, its contact address lower-cased', () => {
    const application = anApplication();
    expect(application).toMatchObject({
      status: 'pending',
      documents: [],
      decision: null,
      website: null,
      submittedAt: fixedNow.toISOString(),
    });
    expect(application.contact.email).toBe('wanjiru@example.org');
  });

  it.each([
    { type: 'application/pdf', bytes: pdf },
    { type: 'image/png', bytes: png },
    { type: 'image/jpeg', bytes: jpeg },
  ])(
    'when a $type document is added, then its type comes from its bytes and its SHA-256 is computed over them',
    ({ type, bytes }) => {
      const document = addDocument(anApplication(), { bytes, name: 'certificate' }, provided());
      expect(document).toMatchObject({
        contentType: type,
        size: bytes.length,
        name: 'certificate',
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    },
  );

  it.each([
    { case: 'a text file', bytes: Buffer.from('hello, I am a PDF'), code: 'document-unsupported' },
    { case: 'a WebP image', bytes: Buffer.from('RIFF\0\0\0\0WEBPVP8 '), code: 'document-unsupported' },
    { case: 'an empty file', bytes: Buffer.alloc(0), code: 'document-unsupported' },
    {
      case: 'a PDF over 10 MiB',
      bytes: Buffer.concat([pdf, Buffer.alloc(applicationDocumentLimitBytes)]),
      code: 'document-too-large',
    },
  ])('when $case is added, then it is refused with $code', ({ bytes, code }) => {
    expect(errorCodeOf(() => addDocument(anApplication(), { bytes, name: undefined }, provided()))).toBe(
      code,
    );
  });

  it('when a sixth document is added, then it is refused', () => {
    const five = Array.from({ length: 5 }, (_, index) =>
      addDocument(anApplication(), { bytes: pdf, name: `d${index}` }, provided()),
    );
    expect(
      errorCodeOf(() =>
        addDocument(anApplication({ documents: five }), { bytes: pdf, name: 'd5' }, provided()),
      ),
    ).toBe('too-many-documents');
  });

  it('when a document is added to a decided application, then it is refused', () => {
    const decided = decideApplication(
      anApplication(),
      { decision: 'reject', reason: 'No registration found' },
      { now: fixedNow, organizationId: null },
    );
    expect(errorCodeOf(() => addDocument(decided, { bytes: pdf, name: undefined }, provided()))).toBe(
      'application-decided',
    );
  });

  it('when approved, then the decision records the reason, the time and the organization; a second decision is refused', () => {
    const approved = decideApplication(
      anApplication(),
      { decision: 'approve', reason: 'Certificate checked with the register' },
      { now: fixedNow, organizationId: 'org-9' },
    );
    expect(approved.status).toBe('approved');
    expect(approved.decision).toEqual({
      decision: 'approve',
      reason: 'Certificate checked with the register',
      decidedAt: fixedNow.toISOString(),
      organizationId: 'org-9',
    });
    expect(
      errorCodeOf(() =>
        decideApplication(
          approved,
          { decision: 'reject', reason: 'changed my mind' },
          { now: fixedNow, organizationId: null },
        ),
      ),
    ).toBe('application-decided');
  });

  it('when rejected, then no organization is named', () => {
    const rejected = decideApplication(
      anApplication(),
      { decision: 'reject', reason: 'Not a relief organization' },
      { now: fixedNow, organizationId: 'ignored' },
    );
    expect(rejected).toMatchObject({
      status: 'rejected',
      decision: { decision: 'reject', reason: 'Not a relief organization', organizationId: null },
    });
  });

  it('reads a signature, not a name: a file that only starts like a PDF later is no PDF', () => {
    expect(documentTypeOf(Buffer.from(' %PDF-1.4'))).toBeNull();
    expect(documentTypeOf(Buffer.from('%PDF-1.4'))).toBe('application/pdf');
  });
});

describe('organization verification', () => {
  it('when the platform administrator registers an organization, then it is verified when created, by no application', () => {
    const organization = registerOrganization(
      { name: 'Haiti Solidarity', country: 'US', kind: 'ngo' },
      { now: fixedNow, newId: sequentialIds(), apiKeyHash: 'k'.repeat(64) },
    );
    expect(organization.verification).toEqual({
      status: 'verified',
      verifiedAt: fixedNow.toISOString(),
      applicationId: null,
    });
  });

  it('when an approved application registers it, then it is verified by that application under the id the decision named', () => {
    const organization = registerOrganization(
      {
        id: 'org-9',
        name: 'Kenya Diaspora Water Trust',
        country: 'KE',
        kind: 'ngo',
        applicationId: 'application-1',
        admin: { name: 'Wanjiru', email: 'w@example.org' },
      },
      { now: fixedNow, newId: sequentialIds(), apiKeyHash: 'k'.repeat(64) },
    );
    expect(organization.id).toBe('org-9');
    expect(organization.verification).toEqual({
      status: 'verified',
      verifiedAt: fixedNow.toISOString(),
      applicationId: 'application-1',
    });
    expect(organization.members[0]).toMatchObject({ name: 'Wanjiru', email: 'w@example.org', role: 'admin' });
  });
});
