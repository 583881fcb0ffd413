import Stripe from 'stripe';
import { payoutProviderUnavailable, payoutRejected } from '../domain/errors.ts';

/** Moves an approved disbursement's money to a local partner's connected Stripe account. */
export interface ConnectPayouts {
  /** The transfer id; the same disbursement always gets the same transfer, however often this is retried. */
  transfer(args: {
    disbursementId: string;
    amount: number;
    currency: string;
    destination: string;
  }): Promise<string>;
}

/** `apiBase` points the client at stripe-mock (or any Stripe-compatible API) instead of api.stripe.com. */
export function stripeConnectPayouts(secretKey: string, apiBase: string | undefined): ConnectPayouts {
  const target = apiBase ? new URL(apiBase) : undefined;
  const stripe = new Stripe(secretKey, {
    ...(target
      ? {
          host: target.hostname,
          port: target.port || (target.protocol === 'https:' ? 443 : 80),
          protocol: target.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
    // Retries reuse the idempotency key, so a retried transfer can never pay twice.
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
  });
  return {
    async transfer({ disbursementId, amount, currency, destination }) {
      try {
        const transfer = await stripe.transfers.create(
          { amount, currency: currency.toLowerCase(), destination, metadata: { disbursementId } },
          { idempotencyKey: `payout-${disbursementId}` },
        );
        return transfer.id;
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError)
          throw payoutRejected(error.message, error.param === 'destination' ? 'destination' : 'amount');
        if (
          error instanceof Stripe.errors.StripeConnectionError ||
          error instanceof Stripe.errors.StripeAPIError ||
          error instanceof Stripe.errors.StripeRateLimitError
        ) {
          throw payoutProviderUnavailable();
        }
        throw error;
      }
    },
  };
}
