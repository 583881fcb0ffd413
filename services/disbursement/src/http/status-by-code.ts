import type { DisbursementErrorCode } from '../domain/errors.ts';

/** Every domain error code and the HTTP status it answers with; exhaustive, so a new code cannot be forgotten. */
export const statusByCode: Record<DisbursementErrorCode, number> = {
  'campaign-not-found': 404,
  'disbursement-not-found': 404,
  'campaign-not-active': 409,
  'currency-mismatch': 422,
  'insufficient-funds': 409,
  'role-not-allowed': 403,
  'requester-cannot-approve': 403,
  'invalid-status': 409,
  'allocation-incomplete': 409,
  'payout-exceeds-allocation': 409,
  'delivery-in-future': 422,
  'already-approved-by-member': 409,
  'payout-method-unavailable': 422,
  'payout-rejected': 422,
  'payout-provider-unavailable': 503,
  'evidence-not-found': 404,
  'evidence-too-large': 413,
  'evidence-type-mismatch': 415,
  'idempotency-key-reused': 409,
  'idempotency-key-in-use': 409,
};
