import Stripe from 'stripe';
import {
  invalidWebhookSignature,
  paymentProviderError,
  paymentProviderRejected,
  paymentProviderUnavailable,
} from '../domain/errors.ts';

export interface PaymentIntentCreated {
  paymentIntentId: string;
  clientSecret: string;
}

export interface PaymentGateway {
  createPaymentIntent(args: { donationId: string; amount: number; currency: string }): Promise<PaymentIntentCreated>;
  /** The event if the signature over these exact bytes is valid and recent, else an `invalid-webhook-signature` error. */
  verifyWebhook(rawBody: Buffer, signature: string): Stripe.Event;
}

/** Webhooks signed longer ago than this are refused, limiting replays of captured requests (Stripe's default). */
const signatureToleranceSeconds = 300;

/** `STRIPE_API_BASE` points the client at stripe-mock (or any Stripe-compatible API) instead of api.stripe.com. */
export function stripeClient(secretKey: string, apiBase: string | undefined): Stripe {
  const target = apiBase ? new URL(apiBase) : undefined;
  return new Stripe(secretKey, {
    ...(target
      ? {
          host: target.hostname,
          port: target.port || (target.protocol === 'https:' ? 443 : 80),
          protocol: target.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
    // Retries reuse the idempotency key, so a retried create can never make a second PaymentIntent.
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
  });
}

function asDomainError(error: unknown): unknown {
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError
  ) {
    return paymentProviderUnavailable();
  }
  if (error instanceof Stripe.errors.StripeInvalidRequestError && (error.param === 'amount' || error.param === 'currency')) {
    return paymentProviderRejected(error.message, error.param);
  }
  // Authentication and permission errors are our misconfiguration: a 502 the operator sees in the logs.
  if (error instanceof Stripe.errors.StripeError) return paymentProviderError(error.type);
  return error;
}

export function stripeGateway(stripe: Stripe, webhookSecret: string): PaymentGateway {
  return {
    async createPaymentIntent({ donationId, amount, currency }) {
      const intent = await stripe.paymentIntents
        .create(
          {
            amount,
            currency: currency.toLowerCase(),
            // Webhooks find the donation by this id, never by the PaymentIntent id.
            metadata: { donationId },
            automatic_payment_methods: { enabled: true },
          },
          { idempotencyKey: `donation-${donationId}` },
        )
        .catch((error: unknown) => {
          throw asDomainError(error);
        });
      if (!intent.client_secret) throw paymentProviderError('PaymentIntent without client secret');
      return { paymentIntentId: intent.id, clientSecret: intent.client_secret };
    },

    verifyWebhook(rawBody, signature) {
      try {
        return stripe.webhooks.constructEvent(rawBody, signature, webhookSecret, signatureToleranceSeconds);
      } catch (error) {
        throw invalidWebhookSignature(error instanceof Error ? error.message : 'unreadable signature');
      }
    },
  };
}
