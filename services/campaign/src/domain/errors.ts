import { DomainError } from '@aid/contracts';

/** Every way a campaign-service request can fail for business reasons; the HTTP layer maps each to a status. */
export const campaignErrorCodes = [
  'unauthenticated',
  'platform-admin-required',
  'role-required',
  'other-organization',
  'organization-not-found',
  'campaign-not-found',
  'email-taken',
  'wrong-status',
  'currency-locked',
  'campaign-closed',
  'concurrent-change',
  'member-not-found',
  'last-admin',
  'sign-in-link-unknown',
  'sign-in-link-used',
  'sign-in-link-expired',
  'session-ended',
  'photo-too-large',
  'photo-unsupported',
  'photo-not-found',
  'organization-not-verified',
  'application-not-found',
  'application-decided',
  'applicant-token-invalid',
  'document-too-large',
  'document-unsupported',
  'too-many-documents',
  'document-not-found',
] as const;

export type CampaignErrorCode = (typeof campaignErrorCodes)[number];

export type CampaignError = DomainError<CampaignErrorCode>;

function fail(code: CampaignErrorCode, message: string, field?: string): CampaignError {
  return new DomainError(code, message, field);
}

export const errors = {
  unauthenticated: (message = 'the API key is not known') =>
    fail('unauthenticated', message, 'authorization'),
  platformAdminRequired: () =>
    fail(
      'platform-admin-required',
      'registering an organization needs the platform administrator key',
      'authorization',
    ),
  roleRequired: (action: string, roles: readonly string[]) =>
    fail('role-required', `${action} needs the ${roles.join(' or ')} role`, 'authorization'),
  otherOrganization: (what: string) =>
    fail(
      'other-organization',
      `${what} belongs to another organization; your API key gives no rights over it`,
      'authorization',
    ),
  organizationNotFound: (id: string) => fail('organization-not-found', `no organization ${id}`, 'id'),
  campaignNotFound: (id: string) => fail('campaign-not-found', `no campaign ${id}`, 'id'),
  emailTaken: (email: string) =>
    fail('email-taken', `${email} is already a member of this organization`, 'email'),
  wrongStatus: (message: string) => fail('wrong-status', message, 'status'),
  currencyLocked: (currency: string) =>
    fail(
      'currency-locked',
      `the goal currency stays ${currency} once the campaign is published: gifts were taken in it`,
      'goal.currency',
    ),
  campaignClosed: () => fail('campaign-closed', 'the campaign is closed and can no longer change', 'status'),
  memberNotFound: (id: string) =>
    fail('member-not-found', `no active member ${id} in this organization`, 'memberId'),
  lastAdmin: () =>
    fail(
      'last-admin',
      'the organization would have no admin left; make another member admin first',
      'memberId',
    ),
  signInLinkUnknown: () =>
    fail('sign-in-link-unknown', 'this sign-in link is not known: ask for a new one', 'token'),
  signInLinkUsed: () =>
    fail(
      'sign-in-link-used',
      'this sign-in link was already used: each link signs in once; ask for a new one',
      'token',
    ),
  signInLinkExpired: () =>
    fail('sign-in-link-expired', 'this sign-in link has expired: ask for a new one', 'token'),
  sessionEnded: () =>
    fail(
      'session-ended',
      'this session has ended (signed out everywhere, or the member was removed): sign in again',
      'authorization',
    ),
  photoTooLarge: (limit: number) =>
    fail('photo-too-large', `an update photo may be at most ${limit} bytes (5 MiB)`, 'photo'),
  photoUnsupported: () =>
    fail(
      'photo-unsupported',
      'the photo must be a JPEG, PNG or WebP image (its bytes are checked, not its name)',
      'photo',
    ),
  photoNotFound: (updateId: string) =>
    fail('photo-not-found', `no update ${updateId} with a photo on this campaign`, 'updateId'),
  organizationNotVerified: () =>
    fail(
      'organization-not-verified',
      'the organization is not verified yet: a campaign can be published once a platform administrator has approved the organization',
      'organizationId',
    ),
  applicationNotFound: (id: string) =>
    fail('application-not-found', `no organization application ${id}`, 'id'),
  applicationDecided: (status: string) =>
    fail('application-decided', `the application was already ${status}; a decision is final`, 'decision'),
  applicantTokenInvalid: () =>
    fail('applicant-token-invalid', 'the applicant token does not match this application', 'authorization'),
  documentTooLarge: (limit: number) =>
    fail('document-too-large', `a document may be at most ${limit} bytes (10 MiB)`, '(body)'),
  documentUnsupported: () =>
    fail(
      'document-unsupported',
      'a document must be a PDF, JPEG or PNG file (its bytes are checked, not its name)',
      '(body)',
    ),
  tooManyDocuments: (limit: number) =>
    fail('too-many-documents', `an application holds at most ${limit} documents`, '(body)'),
  documentNotFound: (id: string) =>
    fail('document-not-found', `no document ${id} on this application`, 'documentId'),
  concurrentChange: () =>
    fail(
      'concurrent-change',
      'the campaign changed while this request was applied; read it again and retry',
      'id',
    ),
};
