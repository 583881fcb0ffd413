import { describe, expect, it } from 'vitest';
import { settledRefundLevel, settledShare, settlementOf, type SettlementTransaction } from './settlement.ts';

/**
 * Balance transactions shaped as Stripe documents them (https://docs.stripe.com/api/balance_transactions/object),
 * reduced to what is read: a EUR 25.00 charge settled into a USD account at 1.0821, the fee including Stripe's
 * conversion charge.
 */
const stripeBalanceTransaction = {
  id: 'txn_3PeurToUsd',
  object: 'balance_transaction',
  amount: 2705,
  available_on: 1767657600,
  created: 1767052800,
  currency: 'usd',
  description: null,
  exchange_rate: 1.0821,
  fee: 132,
  fee_details: [
    {
      amount: 111,
      application: null,
      currency: 'usd',
      description: 'Stripe processing fees',
      type: 'stripe_fee',
    },
    {
      amount: 21,
      application: null,
      currency: 'usd',
      description: 'Currency conversion fee',
      type: 'stripe_fee',
    },
  ],
  net: 2573,
  reporting_category: 'charge',
  source: 'ch_3PeurToUsd',
  status: 'pending',
  type: 'charge',
};

const viewOf = (
  transaction:
    | typeof stripeBalanceTransaction
    | (Omit<typeof stripeBalanceTransaction, 'exchange_rate'> & { exchange_rate: number | null }),
): SettlementTransaction => ({
  id: transaction.id,
  amount: transaction.amount,
  currency: transaction.currency,
  fee: transaction.fee,
  exchangeRate: transaction.exchange_rate === null ? null : String(transaction.exchange_rate),
});

describe('settlementOf', () => {
  it('when a EUR 25.00 gift to a USD campaign settles as Stripe reports, then amount, fee and rate are Stripe’s', () => {
    expect(
      settlementOf(
        { amount: 2500, currency: 'EUR', settlementCurrency: 'USD' },
        viewOf(stripeBalanceTransaction),
      ),
    ).toEqual({
      kind: 'settled',
      amount: 2705,
      fee: 132,
      currency: 'USD',
      exchangeRate: '1.0821',
      trusted: true,
    });
  });

  it('when ¥3,000 (no decimals) settles into USD, then the settled cents come from the transaction', () => {
    const transaction = viewOf({
      ...stripeBalanceTransaction,
      amount: 1923,
      fee: 86,
      exchange_rate: 0.006411,
    });
    expect(
      settlementOf({ amount: 3000, currency: 'JPY', settlementCurrency: 'USD' }, transaction),
    ).toMatchObject({ kind: 'settled', amount: 1923, fee: 86, exchangeRate: '0.006411' });
  });

  it('when 7.500 KWD (three decimals) settles into GBP, then the settled pence come from the transaction', () => {
    const transaction = viewOf({
      ...stripeBalanceTransaction,
      currency: 'gbp',
      amount: 1932,
      fee: 79,
      exchange_rate: 2.5764,
    });
    expect(
      settlementOf({ amount: 7500, currency: 'KWD', settlementCurrency: 'GBP' }, transaction),
    ).toMatchObject({ kind: 'settled', amount: 1932, fee: 79, currency: 'GBP', exchangeRate: '2.5764' });
  });

  it.each([
    {
      when: 'the charge settled in another currency than the campaign’s',
      transaction: viewOf({
        ...stripeBalanceTransaction,
        currency: 'eur',
        amount: 2500,
        exchange_rate: null,
      }),
      reason: /settled in EUR, but the campaign keeps USD/,
    },
    {
      when: 'the transaction carries no rate (stripe-mock’s fixture)',
      transaction: viewOf({ ...stripeBalanceTransaction, amount: 100, fee: 0, exchange_rate: null }),
      reason: /no exchange rate/,
    },
    {
      when: 'the amount disagrees with the rate',
      transaction: viewOf({ ...stripeBalanceTransaction, amount: 100 }),
      reason: /does not describe 2500 EUR/,
    },
    { when: 'there is no transaction at all', transaction: null, reason: /no balance transaction/ },
  ])('when $when, then the gift is held, not counted', ({ transaction, reason }) => {
    const settlement = settlementOf(
      { amount: 2500, currency: 'EUR', settlementCurrency: 'USD' },
      transaction,
    );
    expect(settlement.kind).toBe('held');
    expect(settlement.kind === 'held' && settlement.reason).toMatch(reason);
  });

  it('when the gift is in the campaign’s currency, then nothing changes: the fee when the transaction is the gift’s, else 0', () => {
    const own = { amount: 2500, currency: 'usd', fee: 103, exchangeRate: null };
    expect(settlementOf({ amount: 2500, currency: 'USD', settlementCurrency: 'USD' }, own)).toEqual({
      kind: 'settled',
      amount: 2500,
      fee: 103,
      currency: 'USD',
      exchangeRate: null,
      trusted: true,
    });
    expect(
      settlementOf({ amount: 2500, currency: 'USD', settlementCurrency: 'USD' }, { ...own, amount: 100 }),
    ).toEqual({ kind: 'settled', amount: 2500, fee: 0, currency: 'USD', exchangeRate: null, trusted: false });
    const converted = { amount: 2310, currency: 'eur', fee: 90, exchangeRate: '0.924' };
    expect(settlementOf({ amount: 2500, currency: 'USD', settlementCurrency: 'USD' }, converted).kind).toBe(
      'held',
    );
  });
});

describe('settledRefundLevel', () => {
  // A refund's balance transaction takes the refund day's rate; Stripe keeps the original fee.
  const refund = (
    id: string,
    amount: number,
    status: string,
    settled: number | null,
    created = 1767139200,
  ) => ({
    id,
    amount,
    status,
    created,
    balanceTransaction:
      settled === null ? null : { amount: -settled, currency: 'usd', fee: 0, exchangeRate: '1.0764' },
  });

  it('when two refunds were made on different days, then each counts at its own transaction’s amount, failed ones not at all', () => {
    expect(
      settledRefundLevel(
        [
          refund('re_1', 1000, 'succeeded', 1076),
          refund('re_2', 500, 'pending', 541),
          refund('re_3', 200, 'failed', 216),
        ],
        'USD',
      ),
    ).toEqual({
      level: 1617,
      byRefund: [
        { refundId: 're_1', amount: 1076 },
        { refundId: 're_2', amount: 541 },
      ],
    });
  });

  it('when the charge’s refunded level covers only the older refund, then only that one counts', () => {
    const refunds = [
      refund('re_2', 500, 'succeeded', 541, 1767225600),
      refund('re_1', 1000, 'succeeded', 1076, 1767139200),
    ];
    expect(settledRefundLevel(refunds, 'USD', 1000)?.level).toBe(1076);
    expect(settledRefundLevel(refunds, 'USD', 1500)?.level).toBe(1617);
  });

  it('when a refund has no transaction in the settlement currency yet, then nothing can be counted', () => {
    expect(settledRefundLevel([refund('re_1', 1000, 'succeeded', null)], 'USD')).toBeNull();
    expect(settledRefundLevel([refund('re_1', 1000, 'succeeded', 1076)], 'GBP')).toBeNull();
  });
});

describe('settledShare', () => {
  it('when a presented amount is compared with settled money, then its share is rounded up and exact for large amounts', () => {
    expect(settledShare({ amount: 2500, settledAmount: 2705 }, 1000)).toBe(1082);
    expect(settledShare({ amount: 2500, settledAmount: 2500 }, 1000)).toBe(1000);
    expect(settledShare({ amount: 100_000_000, settledAmount: 99_999_999 }, 100_000_000)).toBe(99_999_999);
  });
});
