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
  ])('when the currency is %s, then the minimum is %i minor units', (currency, minimum) => {
    expect(minimumChargeAmount(currency)).toBe(minimum);
  });

  it('when Stripe documents no minimum for a currency, then the default applies', () => {
    expect(minimumChargeAmount('PKR')).toBe(defaultMinimumAmount);
    expect(defaultMinimumAmount).toBe(50);
  });
});
