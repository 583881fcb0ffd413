import { describe, expect, it } from 'vitest';
import { defaultMinimumAmount, minimumChargeAmount } from './minimum-amounts.ts';

describe('minimumChargeAmount', () => {
  it.each([
    ['USD', 50],
    ['EUR', 50],
    ['GBP', 30],
    ['JPY', 50],
    ['HKD', 400],
    ['MXN', 1000],
    ['CAD', 50],
    ['AUD', 50],
    ['SEK', 300],
    ['NOK', 300],
    ['CHF', 50],
    ['AED', 200],
    ['SAR', 200],
    ['QAR', 200],
    ['KWD', 200],
  ])('when the currency is %s, then the minimum is %i minor units', (currency, minimum) => {
    expect(minimumChargeAmount(currency)).toBe(minimum);
  });

  it('when Stripe documents no minimum for a currency, then the default applies', () => {
    expect(minimumChargeAmount('PKR')).toBe(defaultMinimumAmount);
    expect(defaultMinimumAmount).toBe(50);
  });

  it('when every donor currency is asked for, then each has a minimum of its own, in its own minor units', async () => {
    const { donorCurrencies, minorUnitExponent } = await import('@aid/money');
    for (const currency of donorCurrencies) {
      const minimum = minimumChargeAmount(currency);
      // About half a US dollar or more, whatever the currency's exponent (JPY has none, KWD three).
      expect(minimum / 10 ** minorUnitExponent(currency), currency).toBeGreaterThanOrEqual(0.2);
    }
  });
});
