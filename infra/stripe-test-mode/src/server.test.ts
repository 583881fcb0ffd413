import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningTestMode } from './server.ts';
import { startTestMode } from './server.ts';

const secret = 'whsec_test_mode_tests';
const upstream = process.env['STRIPE_API_BASE'] ?? 'http://127.0.0.1:12111';
const received: Stripe.Event[] = [];
let receiver: http.Server;
let testMode: RunningTestMode;
let stripe: Stripe;
const verifier = new Stripe('sk_test_verify');

function clientFor(base: string, key = 'sk_test_local'): Stripe {
  const url = new URL(base);
  return new Stripe(key, {
    host: url.hostname,
    port: url.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

const types = () => received.map((event) => event.type);

beforeAll(async () => {
  // Stands for the donation service: takes only events whose signature verifies with the shared secret.
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        received.push(
          verifier.webhooks.constructEvent(
            Buffer.concat(chunks),
            String(request.headers['stripe-signature']),
            secret,
          ),
        );
        response.writeHead(200).end();
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  testMode = await startTestMode({
    upstream,
    webhookUrl: `http://127.0.0.1:${port}/v1/webhooks/stripe`,
    webhookSecret: secret,
  });
  stripe = clientFor(testMode.url);
});

afterAll(async () => {
  await testMode.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  await testMode.webhooks.idle();
  received.length = 0;
});

describe('local Stripe test mode', () => {
  it('pays a euro gift to a dollar campaign, settles it in dollars and tells the service, signed', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 2_500,
      currency: 'eur',
      metadata: { donationId: 'd-1', settlementCurrency: 'USD' },
    });
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    const confirmed = await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    await testMode.webhooks.idle();
    expect(types()).toEqual(['charge.succeeded', 'payment_intent.succeeded']);
    const paid = received[1]!.data.object as Stripe.PaymentIntent;
    expect(paid.metadata).toEqual({ donationId: 'd-1', settlementCurrency: 'USD' });

    const charge = await stripe.charges.retrieve(paid.latest_charge as string, {
      expand: ['balance_transaction'],
    });
    const txn = charge.balance_transaction as Stripe.BalanceTransaction;
    expect({
      amount: txn.amount,
      currency: txn.currency,
      fee: txn.fee,
      rate: txn.exchange_rate,
      net: txn.net,
    }).toEqual({ amount: 2_700, currency: 'usd', fee: 135, rate: 1.08, net: 2_565 });
    expect(charge.metadata['donationId']).toBe('d-1');
  });

  it('declines the declining test card as Stripe does, and the intent can be paid again', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 1_000,
      currency: 'usd',
      metadata: { donationId: 'd-2' },
    });
    const declined = await stripe.paymentIntents
      .confirm(intent.id, { payment_method: 'pm_card_chargeDeclined' })
      .catch((error: unknown) => error);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((declined as Stripe.errors.StripeCardError).decline_code).toBe('generic_decline');
    await testMode.webhooks.idle();
    expect(types()).toEqual(['payment_intent.payment_failed']);
    expect((await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })).status).toBe(
      'succeeded',
    );
  });

  it('asks for 3-D Secure and sends the donor back to the page they came from', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 1_500,
      currency: 'gbp',
      metadata: { donationId: 'd-3' },
    });
    const pending = await stripe.paymentIntents.confirm(intent.id, {
      payment_method: 'pm_card_authenticationRequired',
      return_url: 'http://127.0.0.1:4000/gifts/d-3',
    });
    expect(pending.status).toBe('requires_action');
    const page = pending.next_action?.redirect_to_url?.url ?? '';
    expect(await (await fetch(page)).text()).toContain('Complete authentication');
    expect(types()).toEqual([]);

    const back = await fetch(page, {
      method: 'POST',
      body: 'decision=complete',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(
      `http://127.0.0.1:4000/gifts/d-3?payment_intent=${intent.id}&redirect_status=succeeded`,
    );
    await testMode.webhooks.idle();
    expect(types()).toEqual(['charge.succeeded', 'payment_intent.succeeded']);
  });

  it('pays a monthly gift’s first invoice and reports invoice.paid with the subscription', async () => {
    const customer = await stripe.customers.create({ email: 'donor@example.org' });
    const price = await stripe.prices.create({
      currency: 'sek',
      unit_amount: 30_000,
      recurring: { interval: 'month' },
      product_data: { name: 'Monthly gift' },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: 'default_incomplete',
      metadata: { donationId: 'd-4', settlementCurrency: 'EUR' },
      expand: ['latest_invoice.confirmation_secret'],
    });
    const invoice = subscription.latest_invoice as Stripe.Invoice;
    const clientSecret = invoice.confirmation_secret?.client_secret ?? '';
    const intentId = clientSecret.split('_secret_')[0]!;
    expect((await stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' })).status).toBe(
      'succeeded',
    );
    await testMode.webhooks.idle();
    expect(types()).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.payment_succeeded',
      'invoice.paid',
    ]);
    const paid = received[3]!.data.object as Stripe.Invoice;
    expect(paid.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(paid.parent?.subscription_details?.metadata?.['donationId']).toBe('d-4');
    expect(paid.amount_paid).toBe(30_000);

    // How the donation service finds an installment's fee: invoice payment → PaymentIntent → charge.
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id ?? '' });
    const viaIntent = await stripe.paymentIntents.retrieve(
      payments.data[0]?.payment.payment_intent as string,
      { expand: ['latest_charge.balance_transaction'] },
    );
    const txn = (viaIntent.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction;
    expect(txn.currency).toBe('eur');

    await stripe.subscriptions.cancel(subscription.id);
    await testMode.webhooks.idle();
    expect(types().at(-1)).toBe('customer.subscription.deleted');
  });

  it('refunds at the refund’s own settlement and never more than is left', async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 2_500,
      currency: 'eur',
      metadata: { donationId: 'd-5', settlementCurrency: 'USD' },
    });
    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const refund = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 1_000,
      metadata: { donationId: 'd-5' },
    });
    const txn = await stripe.balanceTransactions.retrieve(refund.balance_transaction as string);
    expect({ amount: txn.amount, fee: txn.fee, currency: txn.currency }).toEqual({
      amount: -1_080,
      fee: 0,
      currency: 'usd',
    });
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 1_501 })).rejects.toThrow(
      /greater than unrefunded amount/,
    );
    await testMode.webhooks.idle();
    const refunded = received.find((event) => event.type === 'charge.refunded')?.data.object as Stripe.Charge;
    expect(refunded.amount_refunded).toBe(1_000);
    expect(refunded.metadata['donationId']).toBe('d-5');
  });

  it('answers a repeated Idempotency-Key with the first PaymentIntent', async () => {
    const first = await stripe.paymentIntents.create(
      { amount: 700, currency: 'usd' },
      { idempotencyKey: 'same-gift' },
    );
    const again = await stripe.paymentIntents.create(
      { amount: 700, currency: 'usd' },
      { idempotencyKey: 'same-gift' },
    );
    expect(again.id).toBe(first.id);
  });

  it('refuses live keys and leaves unknown calls to stripe-mock', async () => {
    await expect(
      clientFor(testMode.url, 'sk_live_oops').paymentIntents.create({ amount: 700, currency: 'usd' }),
    ).rejects.toThrow(/refuses live keys/);
    const customer = await stripe.customers.create({ email: 'someone@example.org' });
    expect(customer.id).toMatch(/^cus_/);
  });

  it('keeps retrying a delivery the service refuses until it is taken', async () => {
    let answers = 0;
    const flaky = http.createServer((request, response) => {
      request.resume();
      answers += 1;
      response.writeHead(answers < 3 ? 503 : 200).end();
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const other = await startTestMode({
      upstream,
      webhookUrl: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/`,
      webhookSecret: secret,
      firstRetryMs: 10,
    });
    const client = clientFor(other.url);
    const intent = await client.paymentIntents.create({ amount: 700, currency: 'usd' });
    await client.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    await other.webhooks.idle();
    expect(answers).toBe(4);
    await other.close();
    await new Promise<void>((resolve) => flaky.close(() => resolve()));
  });
});
