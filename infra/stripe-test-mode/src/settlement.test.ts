import { describe, expect, it } from 'vitest';
import { settle, settleRefund } from './settlement.ts';

describe('test-mode settlement', () => {
  it('keeps a charge in its own currency as is, with the standard fee', () => {
    expect(settle(10_000, 'usd', 'USD')).toEqual({
      amount: 10_000,
      currency: 'usd',
      fee: 320,
      exchangeRate: null,
    });
  });

  it('converts a euro gift into dollars at the test rate, adding the conversion fee', () => {
    // €25.00 × 1.08 = $27.00; fee 3.9 % of 2,700 = 105 (rounded) + 30.
    expect(settle(2_500, 'eur', 'usd')).toEqual({
      amount: 2_700,
      currency: 'usd',
      fee: 135,
      exchangeRate: 1.08,
    });
  });

  it('reads zero- and three-decimal currencies by their ISO 4217 exponent', () => {
    // ¥5,000 has no minor unit: 5,000 × 0.0067 = $33.50.
    expect(settle(5_000, 'jpy', 'usd').amount).toBe(3_350);
    // 10.000 KWD is 10,000 minor units: 10 × 3.25 = $32.50.
    expect(settle(10_000, 'kwd', 'usd').amount).toBe(3_250);
    // $32.50 settling in dinars: 32.5 / 3.25 = 10.000 KWD.
    expect(settle(3_250, 'usd', 'kwd').amount).toBe(10_000);
  });

  it('settles a refund as money leaving the balance, without giving the fee back', () => {
    expect(settleRefund(2_500, 'eur', 'usd')).toEqual({
      amount: -2_700,
      currency: 'usd',
      fee: 0,
      exchangeRate: 1.08,
    });
  });

  it('refuses a currency it has no rate for rather than inventing one', () => {
    expect(() => settle(100, 'xyz', 'usd')).toThrow(/no exchange rate for XYZ/);
  });
});
