import { outcomeOf } from './test-cards.ts';
import { settle, settleRefund } from './settlement.ts';
import type {
  BalanceTransactionRecord,
  ChargeRecord,
  IntentRecord,
  InvoiceRecord,
  Json,
  PriceRecord,
  RefundRecord,
  SubscriptionRecord,
} from './stripe-objects.ts';
import {
  balanceTransactionJson,
  chargeJson,
  eventJson,
  intentJson,
  invoiceJson,
  now,
  priceJson,
  refundJson,
  stripeError,
  stripeId,
  subscriptionJson,
} from './stripe-objects.ts';

/** What an API call answers, and the events Stripe would send because of it, in Stripe's order. */
export interface Answer {
  status: number;
  body: Json;
  events: Json[];
}

const ok = (body: Json, events: Json[] = []): Answer => ({ status: 200, body, events });
const notFound = (what: string, id: string): Answer => ({
  status: 404,
  body: stripeError('invalid_request_error', `No such ${what}: '${id}'`, {
    code: 'resource_missing',
    param: 'id',
  }),
  events: [],
});
const invalid = (message: string, param?: string): Answer => ({
  status: 400,
  body: stripeError('invalid_request_error', message, param ? { param } : {}),
  events: [],
});

export type Params = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const metadataOf = (value: unknown): Record<string, string> =>
  value !== null && typeof value === 'object'
    ? Object.fromEntries(
        Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      )
    : {};
const expansions = (params: Params): string[] =>
  Array.isArray(params['expand'])
    ? params['expand'].filter((item): item is string => typeof item === 'string')
    : [];

/**
 * The objects of one Stripe account in test mode, kept in memory: what stripe-mock cannot do (remember what was
 * created, move a PaymentIntent through its states, settle charges, pay invoices), done as Stripe documents it.
 */
export class TestModeAccount {
  private readonly intents = new Map<string, IntentRecord>();
  private readonly charges = new Map<string, ChargeRecord>();
  private readonly transactions = new Map<string, BalanceTransactionRecord>();
  private readonly refunds = new Map<string, RefundRecord>();
  private readonly prices = new Map<string, PriceRecord>();
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly invoices = new Map<string, InvoiceRecord>();

  /** Where a PaymentIntent that needs 3-D Secure sends the donor: the emulator's own authentication page. */
  private readonly authenticationUrl: (intentId: string) => string;

  constructor(authenticationUrl: (intentId: string) => string) {
    this.authenticationUrl = authenticationUrl;
  }

  owns(
    kind: 'payment_intents' | 'charges' | 'balance_transactions' | 'invoices' | 'subscriptions' | 'prices',
    id: string,
  ): boolean {
    const maps = {
      payment_intents: this.intents,
      charges: this.charges,
      balance_transactions: this.transactions,
      invoices: this.invoices,
      subscriptions: this.subscriptions,
      prices: this.prices,
    };
    return maps[kind].has(id);
  }

  createPaymentIntent(params: Params): Answer {
    const amount = Number(params['amount']);
    const currency = text(params['currency'])?.toLowerCase();
    if (!Number.isInteger(amount) || amount <= 0) return invalid('Missing or invalid amount.', 'amount');
    if (currency === undefined) return invalid('Missing required param: currency.', 'currency');
    const metadata = metadataOf(params['metadata']);
    try {
      settle(amount, currency, metadata['settlementCurrency'] ?? currency);
    } catch (error) {
      return invalid(error instanceof Error ? error.message : String(error), 'currency');
    }
    const intent = this.newIntent({
      amount,
      currency,
      metadata,
      customer: text(params['customer']) ?? null,
      invoice: null,
    });
    return ok(this.intentView(intent, []));
  }

  retrievePaymentIntent(id: string, params: Params): Answer {
    const intent = this.intents.get(id);
    return intent ? ok(this.intentView(intent, expansions(params))) : notFound('payment_intent', id);
  }

  /** Confirms with one of Stripe's test PaymentMethods: pays, declines, or asks for 3-D Secure. */
  confirmPaymentIntent(id: string, params: Params): Answer {
    const intent = this.intents.get(id);
    if (!intent) return notFound('payment_intent', id);
    const clientSecret = text(params['client_secret']);
    if (clientSecret !== undefined && clientSecret !== intent.clientSecret)
      return invalid(
        'The client_secret provided does not match the client_secret associated with the PaymentIntent.',
        'client_secret',
      );
    if (intent.status !== 'requires_payment_method') {
      return {
        status: 400,
        body: stripeError(
          'invalid_request_error',
          `This PaymentIntent's status is ${intent.status}; it cannot be confirmed.`,
          { code: 'payment_intent_unexpected_state', payment_intent: this.intentView(intent, []) },
        ),
        events: [],
      };
    }
    const paymentMethod = text(params['payment_method']);
    if (paymentMethod === undefined)
      return invalid(
        'You must provide a payment_method to confirm this PaymentIntent in test mode.',
        'payment_method',
      );
    const outcome = outcomeOf(paymentMethod);
    if (outcome === null) return invalid(`No such PaymentMethod: '${paymentMethod}'`, 'payment_method');
    intent.paymentMethod = paymentMethod;
    intent.returnUrl = text(params['return_url']) ?? null;
    switch (outcome) {
      case 'succeeds': {
        const events = this.succeed(intent);
        return ok(this.intentView(intent, []), events);
      }
      case 'declined':
        return this.decline(intent);
      case 'requires-authentication':
        intent.status = 'requires_action';
        return ok(this.intentView(intent, []));
    }
  }

  /** The donor's answer on the test 3-D Secure page. */
  authenticate(id: string, approved: boolean): { intent: IntentRecord; events: Json[] } | null {
    const intent = this.intents.get(id);
    if (!intent || intent.status !== 'requires_action') return null;
    if (approved) return { intent, events: this.succeed(intent) };
    intent.status = 'requires_payment_method';
    intent.lastPaymentError = {
      type: 'card_error',
      code: 'payment_intent_authentication_failure',
      message: 'The provided PaymentMethod has failed authentication.',
    };
    return { intent, events: [eventJson('payment_intent.payment_failed', this.intentView(intent, []))] };
  }

  retrieveCharge(id: string, params: Params): Answer {
    const charge = this.charges.get(id);
    return charge
      ? ok(this.chargeView(charge, expansions(params).includes('balance_transaction')))
      : notFound('charge', id);
  }

  retrieveBalanceTransaction(id: string): Answer {
    const txn = this.transactions.get(id);
    return txn ? ok(balanceTransactionJson(txn)) : notFound('balance_transaction', id);
  }

  createPrice(params: Params): Answer {
    const unitAmount = Number(params['unit_amount']);
    const currency = text(params['currency'])?.toLowerCase();
    if (!Number.isInteger(unitAmount) || unitAmount <= 0)
      return invalid('Missing or invalid unit_amount.', 'unit_amount');
    if (currency === undefined) return invalid('Missing required param: currency.', 'currency');
    const recurring = params['recurring'] as Params | undefined;
    const price: PriceRecord = {
      id: stripeId('price'),
      unitAmount,
      currency,
      interval: text(recurring?.['interval']) ?? 'month',
      created: now(),
    };
    this.prices.set(price.id, price);
    return ok(priceJson(price));
  }

  /** An incomplete subscription whose first invoice waits for the donor to pay its PaymentIntent. */
  createSubscription(params: Params): Answer {
    const customer = text(params['customer']);
    if (customer === undefined) return invalid('Missing required param: customer.', 'customer');
    const items = Array.isArray(params['items']) ? (params['items'] as Params[]) : [];
    const priceId = text(items[0]?.['price']);
    const price = priceId === undefined ? undefined : this.prices.get(priceId);
    if (price === undefined) return invalid(`No such price: '${priceId ?? ''}'`, 'items[0][price]');
    const metadata = metadataOf(params['metadata']);
    const created = now();
    const subscription: SubscriptionRecord = {
      id: stripeId('sub'),
      customer,
      price,
      metadata,
      status: 'incomplete',
      latestInvoice: '',
      created,
      canceledAt: null,
    };
    const invoice: InvoiceRecord = {
      id: stripeId('in'),
      subscription: subscription.id,
      customer,
      amount: price.unitAmount,
      currency: price.currency,
      paymentIntent: '',
      status: 'open',
      paidAt: null,
      created,
    };
    const intent = this.newIntent({
      amount: price.unitAmount,
      currency: price.currency,
      metadata: { settlementCurrency: metadata['settlementCurrency'] ?? price.currency },
      customer,
      invoice: invoice.id,
    });
    invoice.paymentIntent = intent.id;
    subscription.latestInvoice = invoice.id;
    this.subscriptions.set(subscription.id, subscription);
    this.invoices.set(invoice.id, invoice);
    const expanded = expansions(params).some(
      (path) => path === 'latest_invoice' || path.startsWith('latest_invoice.'),
    );
    return ok(
      subscriptionJson(
        subscription,
        expanded ? invoiceJson(invoice, subscription, intent.clientSecret) : invoice.id,
      ),
    );
  }

  cancelSubscription(id: string): Answer {
    const subscription = this.subscriptions.get(id);
    if (!subscription) return notFound('subscription', id);
    if (subscription.status === 'canceled')
      return ok(subscriptionJson(subscription, subscription.latestInvoice));
    subscription.status = 'canceled';
    subscription.canceledAt = now();
    const body = subscriptionJson(subscription, subscription.latestInvoice);
    return ok(body, [eventJson('customer.subscription.deleted', body)]);
  }

  retrieveInvoice(id: string): Answer {
    const invoice = this.invoices.get(id);
    const subscription = invoice && this.subscriptions.get(invoice.subscription);
    if (!invoice || !subscription) return notFound('invoice', id);
    return ok(
      invoiceJson(invoice, subscription, this.intents.get(invoice.paymentIntent)?.clientSecret ?? ''),
    );
  }

  listInvoicePayments(params: Params): Answer {
    const invoice = this.invoices.get(text(params['invoice']) ?? '');
    const data = invoice
      ? [
          {
            id: stripeId('inpay'),
            object: 'invoice_payment',
            amount_paid: invoice.status === 'paid' ? invoice.amount : null,
            amount_requested: invoice.amount,
            currency: invoice.currency,
            invoice: invoice.id,
            is_default: true,
            payment: { type: 'payment_intent', payment_intent: invoice.paymentIntent },
            status: invoice.status === 'paid' ? 'paid' : 'open',
          },
        ]
      : [];
    return ok({ object: 'list', data, has_more: false, url: '/v1/invoice_payments' });
  }

  /** A refund of a test charge, settled at today's rate; Stripe keeps the original fee. */
  createRefund(params: Params): Answer {
    const intentId = text(params['payment_intent']);
    const chargeId =
      text(params['charge']) ??
      (intentId ? (this.intents.get(intentId)?.latestCharge ?? undefined) : undefined);
    const charge = chargeId === undefined ? undefined : this.charges.get(chargeId);
    if (charge === undefined)
      return invalid(
        'This PaymentIntent has no successful charge to refund.',
        intentId ? 'payment_intent' : 'charge',
      );
    const left = charge.amount - charge.amountRefunded;
    const amount = params['amount'] === undefined ? left : Number(params['amount']);
    if (!Number.isInteger(amount) || amount <= 0) return invalid('Invalid positive integer', 'amount');
    if (amount > left)
      return invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        'amount',
      );
    const intent = this.intents.get(charge.paymentIntent);
    const settlement = settleRefund(amount, charge.currency, intent?.settlementCurrency ?? charge.currency);
    const refund: RefundRecord = {
      id: stripeId('re'),
      amount,
      currency: charge.currency,
      charge: charge.id,
      paymentIntent: charge.paymentIntent,
      metadata: metadataOf(params['metadata']),
      reason: text(params['reason']) ?? null,
      balanceTransaction: '',
      created: now(),
    };
    refund.balanceTransaction = this.newTransaction({ ...settlement, source: refund.id, type: 'refund' }).id;
    this.refunds.set(refund.id, refund);
    charge.amountRefunded += amount;
    charge.refunds.unshift(refund.id);
    const body = refundJson(refund, refund.balanceTransaction);
    return ok(body, [
      eventJson('refund.created', body),
      eventJson('charge.refunded', this.chargeView(charge, false)),
    ]);
  }

  private newIntent(args: {
    amount: number;
    currency: string;
    metadata: Record<string, string>;
    customer: string | null;
    invoice: string | null;
  }): IntentRecord {
    const id = stripeId('pi');
    const intent: IntentRecord = {
      id,
      ...args,
      clientSecret: `${id}_secret_${stripeId('s').slice(2)}`,
      created: now(),
      status: 'requires_payment_method',
      latestCharge: null,
      paymentMethod: null,
      returnUrl: null,
      lastPaymentError: null,
      settlementCurrency: (args.metadata['settlementCurrency'] ?? args.currency).toLowerCase(),
    };
    this.intents.set(id, intent);
    return intent;
  }

  private newTransaction(args: Omit<BalanceTransactionRecord, 'id' | 'created'>): BalanceTransactionRecord {
    const txn: BalanceTransactionRecord = { id: stripeId('txn'), created: now(), ...args };
    this.transactions.set(txn.id, txn);
    return txn;
  }

  /** The charge, its balance transaction and the events of a paid intent (and of its invoice, if any). */
  private succeed(intent: IntentRecord): Json[] {
    const settlement = settle(intent.amount, intent.currency, intent.settlementCurrency);
    const charge: ChargeRecord = {
      id: stripeId('ch'),
      amount: intent.amount,
      currency: intent.currency,
      paymentIntent: intent.id,
      invoice: intent.invoice,
      customer: intent.customer,
      // Stripe copies the PaymentIntent's metadata onto its charges.
      metadata: { ...intent.metadata },
      balanceTransaction: '',
      amountRefunded: 0,
      refunds: [],
      paymentMethod: intent.paymentMethod ?? 'pm_card_visa',
      created: now(),
    };
    charge.balanceTransaction = this.newTransaction({ ...settlement, source: charge.id, type: 'charge' }).id;
    this.charges.set(charge.id, charge);
    intent.status = 'succeeded';
    intent.latestCharge = charge.id;
    intent.lastPaymentError = null;
    const events = [
      eventJson('charge.succeeded', this.chargeView(charge, false)),
      eventJson('payment_intent.succeeded', this.intentView(intent, [])),
    ];
    const invoice = intent.invoice === null ? undefined : this.invoices.get(intent.invoice);
    const subscription = invoice && this.subscriptions.get(invoice.subscription);
    if (invoice && subscription) {
      invoice.status = 'paid';
      invoice.paidAt = now();
      subscription.status = 'active';
      const paid = invoiceJson(invoice, subscription, intent.clientSecret);
      events.push(eventJson('invoice.payment_succeeded', paid), eventJson('invoice.paid', paid));
    }
    return events;
  }

  private decline(intent: IntentRecord): Answer {
    intent.status = 'requires_payment_method';
    intent.lastPaymentError = {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    };
    const view = this.intentView(intent, []);
    return {
      status: 402,
      body: stripeError('card_error', 'Your card was declined.', {
        code: 'card_declined',
        decline_code: 'generic_decline',
        payment_intent: view,
      }),
      events: [eventJson('payment_intent.payment_failed', view)],
    };
  }

  private chargeView(charge: ChargeRecord, expandTransaction: boolean): Json {
    const txn = this.transactions.get(charge.balanceTransaction);
    const refunds = charge.refunds.flatMap((id) => {
      const refund = this.refunds.get(id);
      return refund ? [refundJson(refund, refund.balanceTransaction)] : [];
    });
    return chargeJson(
      charge,
      expandTransaction && txn ? balanceTransactionJson(txn) : charge.balanceTransaction,
      refunds,
    );
  }

  private intentView(intent: IntentRecord, expand: string[]): Json {
    const charge = intent.latestCharge === null ? undefined : this.charges.get(intent.latestCharge);
    const latestCharge =
      charge === undefined
        ? null
        : expand.some((path) => path.startsWith('latest_charge'))
          ? this.chargeView(charge, expand.includes('latest_charge.balance_transaction'))
          : charge.id;
    return intentJson(intent, latestCharge, this.authenticationUrl(intent.id));
  }
}
