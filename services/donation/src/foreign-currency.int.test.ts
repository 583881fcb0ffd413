import { topics } from '@aid/contracts';
import { eventually, newStripeId, recordTopics, stripeEvent, testEndpoints } from '@aid/test-kit';
import { startLedgerProcess, type ServiceProcess } from '@aid/test-kit/service-processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverTwice,
  donate,
  newGift,
  publishedCampaign,
  startDonationForTest,
  type DonationUnderTest,
} from './test-support/donation-under-test.ts';

type Ledger = ServiceProcess;

let donation: DonationUnderTest;
let ledger: Ledger;
let recorder: Awaited<ReturnType<typeof recordTopics>>;

beforeAll(async () => {
  recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.donation]);
  ledger = await startLedgerProcess();
  donation = await startDonationForTest();
});

afterAll(async () => {
  await recorder?.stop();
  await donation?.service.stop();
  await ledger?.stop();
});

/**
 * `payment_intent.succeeded` as Stripe sends it for a EUR charge on an account settling in USD, the charge
 * expanded with its balance transaction (https://docs.stripe.com/api/balance_transactions/object): stripe-mock
 * serves fixed fixtures, so the realistic transaction travels in the event, which the production path reads
 * the same way when Stripe expands it (else it asks `charges.retrieve` for it).
 */
function eurChargeSettledInUsd(
  donationId: string,
  chargeId: string,
  transaction: { amount: number; currency: string; fee: number; exchange_rate: number | null },
) {
  return stripeEvent('payment_intent.succeeded', {
    id: newStripeId('pi'),
    object: 'payment_intent',
    amount: 2500,
    currency: 'eur',
    status: 'succeeded',
    metadata: { donationId, settlementCurrency: 'USD' },
    latest_charge: {
      id: chargeId,
      object: 'charge',
      amount: 2500,
      currency: 'eur',
      balance_transaction: {
        id: newStripeId('txn'),
        object: 'balance_transaction',
        ...transaction,
        net: transaction.amount - transaction.fee,
        fee_details: [
          {
            amount: transaction.fee - 21,
            application: null,
            currency: transaction.currency,
            description: 'Stripe processing fees',
            type: 'stripe_fee',
          },
          {
            amount: 21,
            application: null,
            currency: transaction.currency,
            description: 'Currency conversion fee',
            type: 'stripe_fee',
          },
        ],
        reporting_category: 'charge',
        source: chargeId,
        status: 'pending',
        type: 'charge',
      },
    },
  });
}

/** `charge.refunded` carrying the charge's refunds, each with the balance transaction that took it off the balance. */
function eurChargeRefunded(
  chargeId: string,
  donationId: string,
  refunds: { id: string; amount: number; settled: number; rate: number; created: number }[],
) {
  return stripeEvent('charge.refunded', {
    id: chargeId,
    object: 'charge',
    amount: 2500,
    amount_refunded: refunds.reduce((total, refund) => total + refund.amount, 0),
    currency: 'eur',
    payment_intent: 'pi_fixture',
    metadata: { donationId },
    refunds: {
      object: 'list',
      has_more: false,
      data: refunds.map((refund) => ({
        id: refund.id,
        object: 'refund',
        amount: refund.amount,
        currency: 'eur',
        charge: chargeId,
        created: refund.created,
        status: 'succeeded',
        balance_transaction: {
          id: newStripeId('txn'),
          object: 'balance_transaction',
          amount: -refund.settled,
          currency: 'usd',
          fee: 0,
          exchange_rate: refund.rate,
          reporting_category: 'refund',
          type: 'refund',
        },
      })),
    },
  });
}

async function summary(campaignId: string) {
  const response = await fetch(`${ledger.url}/v1/campaigns/${campaignId}/summary`);
  return (await response.json()) as Record<string, unknown>;
}

async function entries(campaignId: string) {
  const response = await fetch(`${ledger.url}/v1/campaigns/${campaignId}/entries?from=0&limit=100`);
  return ((await response.json()) as { entries: { entry: Record<string, unknown> }[] }).entries.map(
    (row) => row.entry,
  );
}

async function view(donationId: string, receiptCode: string) {
  const response = await fetch(`${donation.url}/v1/donations/${donationId}`, {
    headers: { 'x-receipt-code': receiptCode },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('gifts in the donor’s currency', () => {
  it('when a EUR gift to a USD campaign succeeds and is partly refunded, then event, entry and summary carry Stripe’s settled USD, fee and rate, and the refund its own USD', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId, receiptCode } = await newGift(donation, {
      campaignId,
      amount: 2500,
      currency: 'EUR',
    });

    await deliverTwice(
      donation,
      eurChargeSettledInUsd(donationId, chargeId, {
        amount: 2705,
        currency: 'usd',
        fee: 132,
        exchange_rate: 1.0821,
      }),
    );

    await eventually(
      async () =>
        expect(await summary(campaignId)).toMatchObject({
          currency: 'USD',
          raised: 2705,
          fees: 132,
          net: 2573,
          gifts: 1,
          byPresentedCurrency: [{ currency: 'EUR', gifts: 1, amount: 2500, refunded: 0 }],
        }),
      { timeoutMs: 30_000 },
    );
    const published = recorder.messages
      .filter(
        (message) => (message.value as { data?: { donationId?: string } }).data?.donationId === donationId,
      )
      .map((message) => message.value as { type: string; data: Record<string, unknown> });
    expect(
      published.find((event) => event.type === 'org.diaspora-aid.donation.succeeded')?.data,
    ).toMatchObject({
      amount: 2705,
      fee: 132,
      net: 2573,
      currency: 'USD',
      presented: { amount: 2500, currency: 'EUR' },
      exchangeRate: '1.0821',
    });
    expect((await entries(campaignId)).find((entry) => entry.kind === 'gift')).toMatchObject({
      amount: 2705,
      fee: 132,
      net: 2573,
      currency: 'USD',
      presented: { amount: 2500, currency: 'EUR' },
      exchangeRate: '1.0821',
    });
    expect(await view(donationId, receiptCode)).toMatchObject({
      amount: 2500,
      currency: 'EUR',
      fee: 132,
      net: 2573,
      status: 'succeeded',
      settlement: { currency: 'USD', amount: 2705, exchangeRate: '1.0821', refunded: 0, hold: null },
    });

    // 10.00 EUR back to the card; the refund's own transaction took 10.76 USD at that day's rate, not 10.82 at the gift's.
    await deliverTwice(
      donation,
      eurChargeRefunded(chargeId, donationId, [
        {
          id: newStripeId('re'),
          amount: 1000,
          settled: 1076,
          rate: 1.0764,
          created: Math.floor(Date.now() / 1000),
        },
      ]),
    );

    await eventually(
      async () =>
        expect(await summary(campaignId)).toMatchObject({
          raised: 2705,
          fees: 132,
          refunded: 1076,
          net: 1497,
          byPresentedCurrency: [{ currency: 'EUR', gifts: 1, amount: 2500, refunded: 1000 }],
        }),
      { timeoutMs: 30_000 },
    );
    expect((await entries(campaignId)).find((entry) => entry.kind === 'refund')).toMatchObject({
      amount: 1076,
      currency: 'USD',
      presented: { amount: 1000, currency: 'EUR' },
    });
    expect(await view(donationId, receiptCode)).toMatchObject({
      refunded: 1000,
      settlement: { refunded: 1076 },
    });
    // Totals of the donation service agree with the ledger.
    const totals = (await (
      await fetch(`${donation.url}/v1/campaigns/${campaignId}/totals`)
    ).json()) as Record<string, unknown>;
    expect(totals).toMatchObject({
      currency: 'USD',
      gifts: 1,
      raised: 2705,
      fees: 132,
      refunded: 1076,
      net: 1497,
    });
  });

  it('when a counted refund of a EUR gift fails at the bank, then what comes back is the failure’s own USD balance transaction', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const refundId = newStripeId('re');
    const { donationId } = await newGift(donation, { campaignId, amount: 2500, currency: 'EUR' });
    await deliverTwice(
      donation,
      eurChargeSettledInUsd(donationId, chargeId, {
        amount: 2705,
        currency: 'usd',
        fee: 132,
        exchange_rate: 1.0821,
      }),
    );
    await deliverTwice(
      donation,
      eurChargeRefunded(chargeId, donationId, [
        {
          id: refundId,
          amount: 1000,
          settled: 1076,
          rate: 1.0764,
          created: Math.floor(Date.now() / 1000) - 60,
        },
      ]),
    );
    await eventually(
      async () => expect(await summary(campaignId)).toMatchObject({ refunded: 1076, net: 1497 }),
      { timeoutMs: 30_000 },
    );
    // The bank returned the refund days later: Stripe credits 10.71 USD at that day's rate (its refund_failure transaction).
    const failed = stripeEvent('charge.refund.updated', {
      id: refundId,
      object: 'refund',
      amount: 1000,
      currency: 'eur',
      charge: chargeId,
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
      metadata: { donationId },
      failure_balance_transaction: {
        id: newStripeId('txn'),
        object: 'balance_transaction',
        amount: 1071,
        currency: 'usd',
        fee: 0,
        exchange_rate: 1.0712,
        reporting_category: 'refund_failure',
        type: 'refund_failure',
      },
    });
    await deliverTwice(donation, failed);
    await eventually(
      async () =>
        expect(await summary(campaignId)).toMatchObject({ raised: 2705, fees: 132, refunded: 5, net: 2568 }),
      { timeoutMs: 30_000 },
    );
    expect((await entries(campaignId)).find((entry) => entry.kind === 'refund-reversed')).toMatchObject({
      amount: 1071,
      currency: 'USD',
    });
  });

  it('when a EUR gift’s card dispute is lost, then the dispute counts what its own balance transaction withdrew in USD', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const chargeId = newStripeId('ch');
    const { donationId } = await newGift(donation, { campaignId, amount: 2500, currency: 'EUR' });
    await deliverTwice(
      donation,
      eurChargeSettledInUsd(donationId, chargeId, {
        amount: 2705,
        currency: 'usd',
        fee: 132,
        exchange_rate: 1.0821,
      }),
    );
    // On the dispute's day the rate was lower: the withdrawal is 26.90 USD (the 15.00 dispute fee is its `fee`, not the gift's).
    const withdrawal = {
      id: newStripeId('txn'),
      object: 'balance_transaction',
      amount: -2690,
      currency: 'usd',
      fee: 1500,
      exchange_rate: 1.076,
      reporting_category: 'dispute',
      type: 'adjustment',
    };
    const dispute = (status: string) => ({
      id: 'dp_fx',
      object: 'dispute',
      amount: 2500,
      currency: 'eur',
      charge: chargeId,
      payment_intent: 'pi_fixture',
      status,
      balance_transactions: [withdrawal],
    });
    await deliverTwice(
      donation,
      stripeEvent('charge.dispute.created', dispute('needs_response')),
      stripeEvent('charge.dispute.closed', dispute('lost')),
    );
    await eventually(
      async () =>
        expect(await summary(campaignId)).toMatchObject({
          raised: 2705,
          fees: 132,
          refunded: 2690,
          net: -117,
        }),
      { timeoutMs: 30_000 },
    );
    expect(
      (await entries(campaignId)).filter(
        (entry) => entry.kind === 'dispute-opened' || entry.kind === 'dispute-closed',
      ),
    ).toMatchObject([
      { amount: 2690, currency: 'USD' },
      { amount: 2690, currency: 'USD', outcome: 'lost' },
    ]);
  });

  it('when a EUR charge is settled in EUR instead of the campaign’s USD, then the gift is held with its reason and counted nowhere', async () => {
    const { campaignId } = await publishedCampaign(donation);
    const { donationId, receiptCode } = await newGift(donation, {
      campaignId,
      amount: 2500,
      currency: 'EUR',
    });
    await deliverTwice(
      donation,
      eurChargeSettledInUsd(donationId, newStripeId('ch'), {
        amount: 2500,
        currency: 'eur',
        fee: 98,
        exchange_rate: null,
      }),
    );
    await eventually(async () =>
      expect(await view(donationId, receiptCode)).toMatchObject({
        status: 'held',
        settlement: {
          amount: null,
          hold: expect.stringMatching(/settled in EUR, but the campaign keeps USD/),
        },
      }),
    );
    const totals = (await (
      await fetch(`${donation.url}/v1/campaigns/${campaignId}/totals`)
    ).json()) as Record<string, unknown>;
    expect(totals).toMatchObject({ gifts: 0, raised: 0 });
    expect(
      recorder.messages.some(
        (message) => (message.value as { data?: { donationId?: string } }).data?.donationId === donationId,
      ),
    ).toBe(false);
  });

  it.each([
    { body: { amount: 3000, currency: 'JPY' }, status: 201 },
    { body: { amount: 7500, currency: 'KWD' }, status: 201 },
    { body: { amount: 49, currency: 'JPY' }, status: 422, code: 'amount-below-minimum' },
    { body: { amount: 2500, currency: 'PKR' }, status: 422, code: 'currency-mismatch' },
  ])(
    'when $body.amount $body.currency is given to a USD campaign, then the answer is $status',
    async ({ body, status, code }) => {
      const { campaignId } = await publishedCampaign(donation);
      const answer = await donate(donation, { campaignId, ...body });
      expect(answer.status).toBe(status);
      if (code)
        expect(answer.body).toMatchObject({ code, field: body.currency === 'PKR' ? 'currency' : 'amount' });
    },
  );
});
