import Stripe from 'stripe';
import type { ChargeRefundView, SettlementTransaction } from '../domain/settlement.ts';
import { chargeRefundViewOf, settlementTransactionOf } from './payment-notice.ts';
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

export interface MonthlyPlanCreated {
  customerId: string;
  subscriptionId: string;
  clientSecret: string;
}

export interface PaymentGateway {
  /** In the donor's (presented) currency; `settlementCurrency` is the campaign's, carried as metadata. */
  createPaymentIntent(args: {
    donationId: string;
    amount: number;
    currency: string;
    settlementCurrency: string;
  }): Promise<PaymentIntentCreated>;
  /** A Stripe customer, a monthly price and an incomplete subscription whose first invoice the donor pays. */
  createMonthlyPlan(args: {
    donationId: string;
    amount: number;
    currency: string;
    settlementCurrency: string;
    email: string;
  }): Promise<MonthlyPlanCreated>;
  cancelSubscription(subscriptionId: string, donationId: string): Promise<void>;
  /** The balance transaction of a charge, or null when Stripe has none (yet). */
  balanceTransactionOf(chargeId: string): Promise<SettlementTransaction | null>;
  /** One balance transaction by id (a failed refund's `failure_balance_transaction`). */
  balanceTransaction(id: string): Promise<SettlementTransaction | null>;
  /** A charge's refunds with their balance transactions (what each took off the balance, in its currency). */
  refundsOfCharge(chargeId: string): Promise<ChargeRefundView[]>;
  /**
   * The charge that paid an invoice and its balance transaction (invoice payment → PaymentIntent → charge), or
   * null when Stripe reports none: what a monthly installment's fee is read from.
   */
  invoiceCharge(
    invoiceId: string,
  ): Promise<{ chargeId: string; balanceTransaction: SettlementTransaction | null } | null>;
  /** Asks Stripe to refund part of a gift; the idempotency key makes a retried request refund once. */
  createRefund(args: {
    donationId: string;
    paymentIntentId: string;
    amount: number;
    idempotencyKey: string;
  }): Promise<{ refundId: string }>;
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
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError &&
    (error.param === 'amount' || error.param === 'currency')
  ) {
    return paymentProviderRejected(error.message, error.param);
  }
  // Authentication and permission errors are our misconfiguration: a 502 the operator sees in the logs.
  if (error instanceof Stripe.errors.StripeError) return paymentProviderError(error.type);
  return error;
}

export function stripeGateway(stripe: Stripe, webhookSecret: string): PaymentGateway {
  return {
    async createPaymentIntent({ donationId, amount, currency, settlementCurrency }) {
      const intent = await stripe.paymentIntents
        .create(
          {
            amount,
            currency: currency.toLowerCase(),
            // Webhooks find the donation by this id, never by the PaymentIntent id. Real Stripe settles by the
            // account's settings and ignores `settlementCurrency`; a local test-mode emulator settles by it.
            metadata: { donationId, settlementCurrency },
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

    async createMonthlyPlan({ donationId, amount, currency, settlementCurrency, email }) {
      const idempotency = (step: string) => ({ idempotencyKey: `donation-${donationId}-${step}` });
      const fail = (error: unknown) => {
        throw asDomainError(error);
      };
      // Only the customer id is kept here; the email lives encrypted in our store and in Stripe for receipts.
      const customer = await stripe.customers
        .create({ email, metadata: { donationId } }, idempotency('customer'))
        .catch(fail);
      const price = await stripe.prices
        .create(
          {
            currency: currency.toLowerCase(),
            unit_amount: amount,
            recurring: { interval: 'month' },
            product_data: { name: 'Monthly gift' },
          },
          idempotency('price'),
        )
        .catch(fail);
      const subscription = await stripe.subscriptions
        .create(
          {
            customer: customer.id,
            items: [{ price: price.id }],
            // The first invoice waits for the donor to confirm payment with the client secret, like a one-off gift.
            payment_behavior: 'default_incomplete',
            payment_settings: { save_default_payment_method: 'on_subscription' },
            metadata: { donationId, settlementCurrency },
            expand: ['latest_invoice.confirmation_secret'],
          },
          idempotency('subscription'),
        )
        .catch(fail);
      const invoice = subscription.latest_invoice;
      const clientSecret =
        invoice && typeof invoice !== 'string' ? invoice.confirmation_secret?.client_secret : undefined;
      if (clientSecret === undefined)
        throw paymentProviderError('subscription without a first invoice to pay');
      return { customerId: customer.id, subscriptionId: subscription.id, clientSecret };
    },

    async cancelSubscription(subscriptionId, donationId) {
      await stripe.subscriptions
        .cancel(subscriptionId, {}, { idempotencyKey: `donation-${donationId}-cancel` })
        .catch((error: unknown) => {
          throw asDomainError(error);
        });
    },

    async balanceTransactionOf(chargeId) {
      const charge = await stripe.charges
        .retrieve(chargeId, { expand: ['balance_transaction'] })
        .catch((error: unknown) => {
          throw asDomainError(error);
        });
      return settlementTransactionOf(charge.balance_transaction);
    },

    async balanceTransaction(id) {
      const transaction = await stripe.balanceTransactions.retrieve(id).catch((error: unknown) => {
        throw asDomainError(error);
      });
      return settlementTransactionOf(transaction);
    },

    async refundsOfCharge(chargeId) {
      const refunds = await stripe.refunds
        .list({ charge: chargeId, limit: 100, expand: ['data.balance_transaction'] })
        .catch((error: unknown) => {
          throw asDomainError(error);
        });
      return refunds.data.map(chargeRefundViewOf);
    },

    async invoiceCharge(invoiceId) {
      const fail = (error: unknown) => {
        throw asDomainError(error);
      };
      const payments = await stripe.invoicePayments.list({ invoice: invoiceId, limit: 10 }).catch(fail);
      const paid = payments.data.find((payment) => payment.status === 'paid') ?? payments.data[0];
      const intent = paid?.payment.payment_intent;
      const intentId = typeof intent === 'string' ? intent : intent?.id;
      if (!intentId) return null;
      const retrieved = await stripe.paymentIntents
        .retrieve(intentId, { expand: ['latest_charge.balance_transaction'] })
        .catch(fail);
      const charge = retrieved.latest_charge;
      if (!charge) return null;
      if (typeof charge === 'string') return { chargeId: charge, balanceTransaction: null };
      return { chargeId: charge.id, balanceTransaction: settlementTransactionOf(charge.balance_transaction) };
    },

    async createRefund({ donationId, paymentIntentId, amount, idempotencyKey }) {
      const refund = await stripe.refunds
        .create(
          {
            payment_intent: paymentIntentId,
            amount,
            reason: 'requested_by_customer',
            metadata: { donationId },
          },
          { idempotencyKey },
        )
        .catch((error: unknown) => {
          throw asDomainError(error);
        });
      return { refundId: refund.id };
    },

    verifyWebhook(rawBody, signature) {
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, webhookSecret, signatureToleranceSeconds);
      } catch (error) {
        throw invalidWebhookSignature(error instanceof Error ? error.message : 'unreadable signature');
      }
      // Stripe's check bounds only the age: a timestamp ahead of the clock would let a captured request be
      // replayed until that time comes, so the same tolerance applies forwards.
      const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
      if (signedAt - Date.now() / 1000 > signatureToleranceSeconds) {
        throw invalidWebhookSignature(
          `the signature's timestamp is more than ${signatureToleranceSeconds} s in the future`,
        );
      }
      return event;
    },
  };
}
