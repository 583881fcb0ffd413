import { DomainError } from '@aid/contracts';

export const disbursementErrorCodes = [
  'campaign-not-found',
  'disbursement-not-found',
  'campaign-not-active',
  'currency-mismatch',
  'insufficient-funds',
  'role-not-allowed',
  'requester-cannot-approve',
  'invalid-status',
  'allocation-incomplete',
  'payout-exceeds-allocation',
  'delivery-in-future',
  'already-approved-by-member',
  'payout-method-unavailable',
  'payout-rejected',
  'payout-provider-unavailable',
  'evidence-not-found',
  'evidence-too-large',
  'evidence-type-mismatch',
  'idempotency-key-reused',
  'idempotency-key-in-use',
] as const;

export type DisbursementErrorCode = (typeof disbursementErrorCodes)[number];

export type DisbursementError = DomainError<DisbursementErrorCode>;

const fail = (code: DisbursementErrorCode, message: string, field?: string): DisbursementError =>
  new DomainError(code, message, field);

// Another organization's campaign or disbursement answers exactly like a missing one, so ids never leak.
export const campaignNotFound = (campaignId: string) =>
  fail('campaign-not-found', `no campaign ${campaignId}`, 'campaignId');
export const disbursementNotFound = (id: string) =>
  fail('disbursement-not-found', `no disbursement ${id}`, 'id');
export const campaignNotActive = (status: string) =>
  fail(
    'campaign-not-active',
    `the campaign is ${status}; disbursements are requested from active campaigns only`,
    'campaignId',
  );
export const currencyMismatch = (given: string, expected: string) =>
  fail('currency-mismatch', `the campaign raises ${expected}, not ${given}`, 'currency');
export const insufficientFunds = (amount: number, available: number, currency: string) =>
  fail(
    'insufficient-funds',
    `amount ${amount} exceeds the ${available} ${currency} (minor units) available`,
    'amount',
  );
export const roleNotAllowed = (role: string, action: string) =>
  fail('role-not-allowed', `a member with the role ${role} cannot ${action}`, 'authorization');
export const requesterCannotApprove = () =>
  fail(
    'requester-cannot-approve',
    'the member who requested a disbursement cannot approve or reject it (maker-checker)',
    'authorization',
  );
export const invalidStatus = (status: string, action: string) =>
  fail('invalid-status', `a ${status} disbursement cannot be ${action}`, 'status');
export const allocationIncomplete = (missing: number) =>
  fail(
    'allocation-incomplete',
    `${missing} minor units could not yet be allocated to gifts; retry the approval`,
    'amount',
  );
export const payoutExceedsAllocation = () =>
  fail(
    'payout-exceeds-allocation',
    'paying this out would exceed the funds allocated for the campaign',
    'amount',
  );
export const deliveryInFuture = () =>
  fail('delivery-in-future', 'deliveredAt must not be in the future', 'deliveredAt');
export const alreadyApprovedByMember = () =>
  fail(
    'already-approved-by-member',
    'this member already approved; a disbursement above the threshold needs a second, different approver',
    'authorization',
  );
export const payoutMethodUnavailable = (method: string) =>
  fail('payout-method-unavailable', `${method} payouts are not configured on this service`, 'method');
export const payoutRejected = (message: string, field: string) =>
  fail('payout-rejected', `the payment provider refused the transfer: ${message}`, field);
export const payoutProviderUnavailable = () =>
  fail(
    'payout-provider-unavailable',
    'the payment provider could not be reached; retry the payout (it will not be doubled)',
    'method',
  );
export const evidenceNotFound = (id: string) =>
  fail('evidence-not-found', `no evidence ${id} on this disbursement`, 'evidenceId');
export const evidenceTooLarge = (limit: number) =>
  fail('evidence-too-large', `evidence files are limited to ${limit} bytes`, 'body');
export const evidenceTypeMismatch = (contentType: string) =>
  fail('evidence-type-mismatch', `the file's contents are not ${contentType}`, 'content-type');
export const idempotencyKeyReused = () =>
  fail(
    'idempotency-key-reused',
    'this Idempotency-Key was already used with another request (method, path or body); use a new key for a new request',
    'Idempotency-Key',
  );
export const idempotencyKeyInUse = () =>
  fail(
    'idempotency-key-in-use',
    'a request with this Idempotency-Key is still being processed; retry in a moment',
    'Idempotency-Key',
  );
