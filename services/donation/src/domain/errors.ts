import { DomainError } from '@aid/http-kit';

export const donationErrorCodes = [
  'campaign-not-found',
  'campaign-not-active',
  'currency-mismatch',
  'amount-below-minimum',
  'amount-above-maximum',
  'donation-not-found',
  'invalid-webhook-signature',
  'payment-provider-unavailable',
  'payment-provider-rejected',
  'payment-provider-error',
] as const;

export type DonationErrorCode = (typeof donationErrorCodes)[number];

function error(code: DonationErrorCode, message: string, field?: string): DomainError<DonationErrorCode> {
  return new DomainError(code, message, field);
}

export const campaignNotFound = (campaignId: string) =>
  error('campaign-not-found', `no campaign ${campaignId} is known here (yet)`, 'campaignId');

export const campaignNotActive = (campaignId: string, status: string) =>
  error('campaign-not-active', `campaign ${campaignId} is ${status} and does not take donations`, 'campaignId');

export const currencyMismatch = (given: string, expected: string) =>
  error('currency-mismatch', `this campaign takes donations in ${expected}, not ${given}`, 'currency');

export const amountBelowMinimum = (minimum: number, currency: string) =>
  error('amount-below-minimum', `the smallest card payment in ${currency} is ${minimum} minor units`, 'amount');

export const amountAboveMaximum = (maximum: number, currency: string) =>
  error('amount-above-maximum', `the largest donation accepted is ${maximum} minor units of ${currency}`, 'amount');

/** The same answer for "no such donation" and "wrong receipt code", so ids cannot be probed. */
export const donationNotFound = () => error('donation-not-found', 'no donation matches this id and receipt code', 'X-Receipt-Code');

export const invalidWebhookSignature = (reason: string) =>
  error('invalid-webhook-signature', `the webhook signature is not valid: ${reason}`, 'stripe-signature');

export const paymentProviderUnavailable = () =>
  error('payment-provider-unavailable', 'the payment provider cannot be reached right now; please try again in a moment');

export const paymentProviderRejected = (message: string, field: string) =>
  error('payment-provider-rejected', `the payment provider refused this payment: ${message}`, field);

export const paymentProviderError = (kind: string) =>
  error('payment-provider-error', `the payment provider answered with an error (${kind}); the payment was not started`);
