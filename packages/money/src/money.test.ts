import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  add,
  amountSchema,
  currencyCodes,
  currencySchema,
  donorCurrencies,
  donorCurrencySchema,
  formatMoney,
  minorUnitExponent,
  money,
  positiveAmountSchema,
  subtract,
  toDecimalString,
} from './index.ts';

describe('money', () => {
  it.each([
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
    ['PKR', 2],
    ['HTG', 2],
    ['CLF', 4],
  ])('when the currency is %s, then its minor unit has %i decimals', (currency, exponent) => {
    expect(minorUnitExponent(currency)).toBe(exponent);
  });

  it.each([
    [2500, 'USD', '25.00'],
    [5, 'USD', '0.05'],
    [-5, 'EUR', '-0.05'],
    [1500, 'JPY', '1500'],
    [1, 'KWD', '0.001'],
    [Number.MAX_SAFE_INTEGER, 'USD', '90071992547409.91'],
  ])(
    'when %i minor units of %s are shown as decimals, then they read %s exactly',
    (amount, currency, text) => {
      expect(toDecimalString(money(amount, currency))).toBe(text);
    },
  );

  it('when formatted for people, then the currency symbol and minor digits appear', () => {
    expect(formatMoney(money(123456, 'USD'))).toBe('$1,234.56');
    expect(formatMoney(money(1500, 'JPY'))).toBe('¥1,500');
  });

  it('when two amounts of different currencies are added, then it refuses', () => {
    expect(() => add(money(1, 'USD'), money(1, 'EUR'))).toThrow(/USD with EUR/);
    expect(subtract(money(10, 'EUR'), money(4, 'EUR'))).toEqual({ amount: 6, currency: 'EUR' });
  });

  it('when an amount is fractional, negative or unsafe, then the schema names the problem', () => {
    expect(amountSchema.safeParse(25.5).success).toBe(false);
    expect(amountSchema.safeParse(-1).success).toBe(false);
    expect(amountSchema.safeParse(2 ** 60).success).toBe(false);
    expect(() => money(0.1, 'USD')).toThrow(RangeError);
  });

  it('when a currency code is lower case, unknown or a metal, then it is refused', () => {
    expect(currencySchema.safeParse('usd').success).toBe(false);
    expect(currencySchema.safeParse('ABC').success).toBe(false);
    expect(currencySchema.safeParse('XAU').success).toBe(false);
    expect(currencySchema.safeParse('PKR').success).toBe(true);
  });

  it('when the JSON Schema of a positive amount is published, then it says minimum 1, as the check does', () => {
    expect(z.toJSONSchema(positiveAmountSchema)).toMatchObject({ type: 'integer', minimum: 1 });
    expect(positiveAmountSchema.safeParse(0).error?.issues[0]?.message).toBe('must be greater than zero');
    expect(positiveAmountSchema.safeParse(1).success).toBe(true);
  });

  it('when the JSON Schema of a currency is published, then it lists exactly the codes accepted', () => {
    const published = (z.toJSONSchema(currencySchema) as { enum?: string[] }).enum ?? [];
    expect(published).toEqual([...currencyCodes]);
    expect(published).toEqual(expect.arrayContaining(['USD', 'PKR', 'JPY']));
    for (const code of ['ABC', 'XAU', 'XTS', 'usd']) expect(published).not.toContain(code);
    for (const code of published) expect(currencySchema.safeParse(code).success).toBe(true);
  });

  it('when a donor pays, then the 13 currencies of the issue are accepted with their ISO 4217 exponents, and others are refused by name', () => {
    for (const code of [
      'USD',
      'EUR',
      'GBP',
      'CAD',
      'AUD',
      'SEK',
      'NOK',
      'CHF',
      'AED',
      'SAR',
      'QAR',
      'KWD',
      'JPY',
    ]) {
      expect(donorCurrencies).toContain(code);
      expect(donorCurrencySchema.safeParse(code).success).toBe(true);
    }
    expect(
      donorCurrencies.map((code) => [code, minorUnitExponent(code)]).filter(([, exponent]) => exponent !== 2),
    ).toEqual([
      ['KWD', 3],
      ['JPY', 0],
    ]);
    expect(donorCurrencySchema.safeParse('PKR').error?.issues[0]?.message).toMatch(
      /not a currency donations are taken in/,
    );
    expect((z.toJSONSchema(donorCurrencySchema) as { enum?: string[] }).enum).toEqual([...donorCurrencies]);
  });
});
