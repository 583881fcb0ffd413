import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeGateway } from './stripe-gateway.ts';

/** Only the two resources the invoice lookup uses, answering as Stripe does. */
function fakeStripe(payments: unknown[], latestCharge: unknown): { stripe: Stripe; retrieved: unknown[] } {
  const retrieved: unknown[] = [];
  const stripe = {
    invoicePayments: { list: () => Promise.resolve({ data: payments }) },
    paymentIntents: {
      retrieve: (id: string, params: unknown) => {
        retrieved.push({ id, params });
        return Promise.resolve({ id, latest_charge: latestCharge });
      },
    },
  } as unknown as Stripe;
  return { stripe, retrieved };
}

describe('invoiceCharge (the fee of a monthly installment)', () => {
  it('when the invoice was paid by a PaymentIntent, then its charge and balance transaction are found through it', async () => {
    const { stripe, retrieved } = fakeStripe(
      [{ status: 'paid', payment: { type: 'payment_intent', payment_intent: 'pi_1' } }],
      { id: 'ch_1', balance_transaction: { amount: 1000, currency: 'usd', fee: 59 } },
    );
    expect(await stripeGateway(stripe, 'whsec_x').invoiceCharge('in_1')).toEqual({
      chargeId: 'ch_1',
      balanceTransaction: { amount: 1000, currency: 'usd', fee: 59, exchangeRate: null },
    });
    expect(retrieved).toEqual([{ id: 'pi_1', params: { expand: ['latest_charge.balance_transaction'] } }]);
  });

  it('when Stripe reports no PaymentIntent for the invoice (as stripe-mock does), then there is no charge to read a fee from', async () => {
    const { stripe } = fakeStripe([{ status: 'paid', payment: { type: 'payment_intent' } }], null);
    expect(await stripeGateway(stripe, 'whsec_x').invoiceCharge('in_1')).toBeNull();
  });
});

describe('createPaymentIntent (a gift in the donor’s currency)', () => {
  it('when a EUR gift is made to a USD campaign, then the PaymentIntent is in EUR and names the campaign’s settlement currency', async () => {
    const created: unknown[] = [];
    const stripe = {
      paymentIntents: {
        create: (params: unknown, options: unknown) => {
          created.push({ params, options });
          return Promise.resolve({ id: 'pi_1', client_secret: 'pi_1_secret_x' });
        },
      },
    } as unknown as Stripe;
    await stripeGateway(stripe, 'whsec_x').createPaymentIntent({
      donationId: 'd1',
      amount: 2500,
      currency: 'EUR',
      settlementCurrency: 'USD',
    });
    expect(created).toEqual([
      {
        params: expect.objectContaining({
          amount: 2500,
          currency: 'eur',
          metadata: { donationId: 'd1', settlementCurrency: 'USD' },
        }),
        options: { idempotencyKey: 'donation-d1' },
      },
    ]);
  });
});
