import Stripe from 'stripe';

/**
 * Signs a webhook payload the way Stripe does (`Stripe-Signature: t=...,v1=...`), so tests exercise the same
 * verification path as production.
 */
export function signStripeWebhook(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const stripe = new Stripe('sk_test_signing_only');
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
