import type { DonationErrorCode } from '../domain/errors.ts';

export const statusByCode: Record<DonationErrorCode, number> = {
  'campaign-not-found': 404,
  'campaign-not-active': 409,
  'currency-mismatch': 422,
  'amount-below-minimum': 422,
  'amount-above-maximum': 422,
  'donation-not-found': 404,
  'invalid-webhook-signature': 400,
  'malformed-webhook-event': 400,
  'payment-provider-unavailable': 503,
  'payment-provider-rejected': 422,
  'payment-provider-error': 502,
  'idempotency-key-reused': 409,
  'idempotency-key-in-use': 409,
  'donation-not-refundable': 409,
  'refund-above-remaining': 422,
  'refund-currency-mismatch': 422,
  'refund-above-unallocated': 409,
  'not-organization-admin': 403,
  unauthenticated: 401,
  'not-a-monthly-gift': 409,
};
