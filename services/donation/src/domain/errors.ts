import { donorCurrencies } from '@aid/money';
import { DomainError } from '@aid/contracts';

export const donationErrorCodes = [
  'campaign-not-found',
  'campaign-not-active',
  'currency-mismatch',
  'amount-below-minimum',
  'amount-above-maximum',
  'donation-not-found',
  'invalid-webhook-signature',
  'malformed-webhook-event',
  'payment-provider-unavailable',
  'payment-provider-rejected',
  'payment-provider-error',
  'idempotency-key-reused',
  'idempotency-key-in-use',
  'donation-not-refundable',
  'refund-above-remaining',
  'refund-currency-mismatch',
  'refund-above-unallocated',
  'not-organization-admin',
  'unauthenticated',
  'not-a-monthly-gift',
] as const;

export type DonationErrorCode = (typeof donationErrorCodes)[number];

function error(code: DonationErrorCode, message: string, field?: string): DomainError<DonationErrorCode> {
  return new DomainError(code, message, field);
}

export const campaignNotFound = (campaignId: string) =>
  error('campaign-not-found', `no campaign ${campaignId} is known here (yet)`, 'campaignId');

export const campaignNotActive = (campaignId: string, status: string) =>
  error(
    'campaign-not-active',
    `campaign ${campaignId} is ${status} and does not take donations`,
    'campaignId',
  );

export const currencyMismatch = (given: string, expected: string) =>
  error(
    'currency-mismatch',
    `${given} is not taken: donations are paid in ${expected} or one of ${donorCurrencies.join(', ')}`,
    'currency',
  );

export const amountBelowMinimum = (minimum: number, currency: string) =>
  error(
    'amount-below-minimum',
    `the smallest card payment in ${currency} is ${minimum} minor units`,
    'amount',
  );

export const amountAboveMaximum = (maximum: number, currency: string) =>
  error(
    'amount-above-maximum',
    `the largest donation accepted is ${maximum} minor units of ${currency}`,
    'amount',
  );

/** The same answer for "no such donation" and "wrong receipt code", so ids cannot be probed. */
export const donationNotFound = () =>
  error('donation-not-found', 'no donation matches this id and receipt code', 'X-Receipt-Code');

export const invalidWebhookSignature = (reason: string) =>
  error('invalid-webhook-signature', `the webhook signature is not valid: ${reason}`, 'stripe-signature');

/** A correctly signed event this service cannot read; `reason` names the field at fault. */
export const malformedWebhookEvent = (reason: string, field: string) =>
  error('malformed-webhook-event', `the signed event cannot be read: ${reason}`, field);

export const paymentProviderUnavailable = () =>
  error(
    'payment-provider-unavailable',
    'the payment provider cannot be reached right now; please try again in a moment',
  );

export const paymentProviderRejected = (message: string, field: string) =>
  error('payment-provider-rejected', `the payment provider refused this payment: ${message}`, field);

export const paymentProviderError = (kind: string) =>
  error(
    'payment-provider-error',
    `the payment provider answered with an error (${kind}); the payment was not started`,
  );
export const idempotencyKeyReused = () =>
  error(
    'idempotency-key-reused',
    'this Idempotency-Key was already used with a different request body; use a new key for a new donation',
    'Idempotency-Key',
  );
export const idempotencyKeyInUse = () =>
  error(
    'idempotency-key-in-use',
    'a request with this Idempotency-Key is still being processed; retry in a moment',
    'Idempotency-Key',
  );
export const donationNotRefundable = (status: string) =>
  error('donation-not-refundable', `a ${status} donation has no payment to refund`, 'id');
export const refundCurrencyMismatch = (given: string, paid: string) =>
  error(
    'refund-currency-mismatch',
    `this gift was paid in ${paid}, not ${given}: a refund is in the currency the donor paid in`,
    'currency',
  );
export const refundAboveRemaining = (remaining: number, currency: string) =>
  error(
    'refund-above-remaining',
    `at most ${remaining} minor units of ${currency} of this gift can still be refunded`,
    'amount',
  );
export const refundAboveUnallocated = (asked: number, limit: number, currency: string) =>
  error(
    'refund-above-unallocated',
    `a refund of ${asked} ${currency} is more than this gift's unallocated net of ${limit}: allocated money already paid for aid and the processor keeps its fee`,
    'amount',
  );
/** A key no member holds (or a revoked one) is not an identity: 401, as on every other service. */
export const unknownApiKey = () => error('unauthenticated', 'this API key is not known', 'authorization');
/** A known member who is not an admin (another organization's gifts answer `donation-not-found`). */
export const notOrganizationAdmin = () =>
  error(
    'not-organization-admin',
    'only an admin of the organization running this campaign may refund its gifts',
    'authorization',
  );
export const notAMonthlyGift = () =>
  error('not-a-monthly-gift', 'only an active monthly gift can be canceled', 'id');
/** For organization callers: an unknown id and another organization's gift get the same answer. */
export const giftNotFoundForOrganization = () =>
  error('donation-not-found', 'no donation of your organization has this id', 'id');
