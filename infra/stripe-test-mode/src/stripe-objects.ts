import { randomBytes } from 'node:crypto';

/** The API version of the events sent: the one the services' Stripe library speaks. */
export const apiVersion = '2025-10-29.clover';

export type Json = Record<string, unknown>;

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id shaped like Stripe's: a prefix and 24 letters or digits. */
export function stripeId(prefix: string): string {
  const bytes = randomBytes(24);
  let id = '';
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return `${prefix}_${id}`;
}

export const now = (): number => Math.floor(Date.now() / 1000);

export interface IntentRecord {
  id: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  clientSecret: string;
  created: number;
  status: 'requires_payment_method' | 'requires_action' | 'processing' | 'succeeded' | 'canceled';
  customer: string | null;
  invoice: string | null;
  latestCharge: string | null;
  paymentMethod: string | null;
  returnUrl: string | null;
  lastPaymentError: Json | null;
  /** The currency the money settles in (Stripe: the account's settings; here the intent's metadata). */
  settlementCurrency: string;
}

export interface ChargeRecord {
  id: string;
  amount: number;
  currency: string;
  paymentIntent: string;
  invoice: string | null;
  customer: string | null;
  metadata: Record<string, string>;
  balanceTransaction: string;
  amountRefunded: number;
  refunds: string[];
  paymentMethod: string;
  created: number;
}

export interface BalanceTransactionRecord {
  id: string;
  amount: number;
  currency: string;
  fee: number;
  exchangeRate: number | null;
  source: string;
  type: 'charge' | 'refund';
  created: number;
}

export interface RefundRecord {
  id: string;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string;
  metadata: Record<string, string>;
  reason: string | null;
  balanceTransaction: string;
  created: number;
}

export interface PriceRecord {
  id: string;
  unitAmount: number;
  currency: string;
  interval: string;
  created: number;
}

export interface SubscriptionRecord {
  id: string;
  customer: string;
  price: PriceRecord;
  metadata: Record<string, string>;
  status: 'incomplete' | 'active' | 'canceled';
  latestInvoice: string;
  created: number;
  canceledAt: number | null;
}

export interface InvoiceRecord {
  id: string;
  subscription: string;
  customer: string;
  amount: number;
  currency: string;
  paymentIntent: string;
  status: 'open' | 'paid';
  paidAt: number | null;
  created: number;
}

export function balanceTransactionJson(txn: BalanceTransactionRecord): Json {
  return {
    id: txn.id,
    object: 'balance_transaction',
    amount: txn.amount,
    available_on: txn.created + 2 * 86_400,
    created: txn.created,
    currency: txn.currency,
    description: null,
    exchange_rate: txn.exchangeRate,
    fee: txn.fee,
    fee_details:
      txn.fee === 0
        ? []
        : [
            {
              amount: txn.fee,
              application: null,
              currency: txn.currency,
              description: 'Stripe processing fees',
              type: 'stripe_fee',
            },
          ],
    net: txn.amount - txn.fee,
    reporting_category: txn.type,
    source: txn.source,
    status: 'pending',
    type: txn.type,
  };
}

export function chargeJson(charge: ChargeRecord, balanceTransaction: Json | string, refunds: Json[]): Json {
  return {
    id: charge.id,
    object: 'charge',
    amount: charge.amount,
    amount_captured: charge.amount,
    amount_refunded: charge.amountRefunded,
    balance_transaction: balanceTransaction,
    captured: true,
    created: charge.created,
    currency: charge.currency,
    customer: charge.customer,
    livemode: false,
    metadata: charge.metadata,
    outcome: {
      network_status: 'approved_by_network',
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: charge.paymentIntent,
    payment_method: charge.paymentMethod,
    refunded: charge.amountRefunded >= charge.amount,
    refunds: {
      object: 'list',
      data: refunds,
      has_more: false,
      total_count: refunds.length,
      url: `/v1/charges/${charge.id}/refunds`,
    },
    status: 'succeeded',
  };
}

/** `authenticationUrl`: where a PaymentIntent that requires action sends the donor. */
export function intentJson(
  intent: IntentRecord,
  latestCharge: Json | string | null,
  authenticationUrl: string,
): Json {
  return {
    id: intent.id,
    object: 'payment_intent',
    amount: intent.amount,
    amount_received: intent.status === 'succeeded' ? intent.amount : 0,
    automatic_payment_methods: { enabled: true },
    client_secret: intent.clientSecret,
    created: intent.created,
    currency: intent.currency,
    customer: intent.customer,
    last_payment_error: intent.lastPaymentError,
    latest_charge: latestCharge,
    livemode: false,
    metadata: intent.metadata,
    next_action:
      intent.status === 'requires_action'
        ? {
            type: 'redirect_to_url',
            redirect_to_url: { url: authenticationUrl, return_url: intent.returnUrl },
          }
        : null,
    payment_method: intent.paymentMethod,
    status: intent.status,
  };
}

export function refundJson(refund: RefundRecord, balanceTransaction: Json | string): Json {
  return {
    id: refund.id,
    object: 'refund',
    amount: refund.amount,
    balance_transaction: balanceTransaction,
    charge: refund.charge,
    created: refund.created,
    currency: refund.currency,
    metadata: refund.metadata,
    payment_intent: refund.paymentIntent,
    reason: refund.reason,
    status: 'succeeded',
  };
}

export function priceJson(price: PriceRecord): Json {
  return {
    id: price.id,
    object: 'price',
    active: true,
    created: price.created,
    currency: price.currency,
    livemode: false,
    recurring: { interval: price.interval, interval_count: 1, usage_type: 'licensed' },
    type: 'recurring',
    unit_amount: price.unitAmount,
  };
}

export function invoiceJson(
  invoice: InvoiceRecord,
  subscription: SubscriptionRecord,
  clientSecret: string,
): Json {
  return {
    id: invoice.id,
    object: 'invoice',
    amount_due: invoice.amount,
    amount_paid: invoice.status === 'paid' ? invoice.amount : 0,
    amount_remaining: invoice.status === 'paid' ? 0 : invoice.amount,
    billing_reason: 'subscription_create',
    confirmation_secret: { client_secret: clientSecret, type: 'payment_intent' },
    created: invoice.created,
    currency: invoice.currency,
    customer: invoice.customer,
    livemode: false,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
    },
    status: invoice.status,
    status_transitions: { finalized_at: invoice.created, paid_at: invoice.paidAt },
  };
}

export function subscriptionJson(subscription: SubscriptionRecord, latestInvoice: Json | string): Json {
  return {
    id: subscription.id,
    object: 'subscription',
    canceled_at: subscription.canceledAt,
    created: subscription.created,
    currency: subscription.price.currency,
    customer: subscription.customer,
    items: {
      object: 'list',
      data: [
        {
          id: stripeId('si'),
          object: 'subscription_item',
          price: priceJson(subscription.price),
          quantity: 1,
        },
      ],
      has_more: false,
    },
    latest_invoice: latestInvoice,
    livemode: false,
    metadata: subscription.metadata,
    status: subscription.status,
  };
}

export function eventJson(type: string, object: Json): Json {
  return {
    id: stripeId('evt'),
    object: 'event',
    api_version: apiVersion,
    created: now(),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** Stripe's error body. */
export function stripeError(
  type: 'card_error' | 'invalid_request_error',
  message: string,
  extra: Json = {},
): Json {
  return { error: { type, message, ...extra } };
}
