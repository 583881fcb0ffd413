import { minorUnitExponent } from '@aid/money';

/**
 * Test mode has no market: these fixed rates (US dollars per unit of each currency, rounded from late-2026
 * rates) stand in for the rate Stripe applies when a charge settles in another currency. In production the
 * rate, the settled amount and the fee come from Stripe's balance transaction, never from this table.
 */
export const testUsdPerUnit: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 1.08,
  GBP: 1.27,
  CAD: 0.73,
  AUD: 0.66,
  NZD: 0.6,
  SEK: 0.095,
  NOK: 0.093,
  DKK: 0.145,
  CHF: 1.13,
  AED: 0.2723,
  SAR: 0.2667,
  QAR: 0.2747,
  KWD: 3.25,
  BHD: 2.65,
  OMR: 2.6,
  JOD: 1.41,
  JPY: 0.0067,
  PKR: 0.0036,
  INR: 0.012,
  TRY: 0.029,
  PLN: 0.25,
  CZK: 0.044,
  HUF: 0.0028,
  ZAR: 0.055,
  ETB: 0.0081,
  KES: 0.0077,
};

/**
 * Stripe's standard card pricing (US account): a percentage and a fixed part, plus a percentage when the
 * charge is converted into another currency. The fixed part is 30 US cents, converted like the charge.
 */
export const testPricing = { percent: 0.029, fixedUsdCents: 30, conversionPercent: 0.01 } as const;

export interface Settlement {
  /** Minor units of the settlement currency. */
  amount: number;
  currency: string;
  fee: number;
  /** Settlement units per presented unit, as Stripe reports it; null when nothing was converted. */
  exchangeRate: number | null;
}

function usdPerUnit(currency: string): number {
  const rate = testUsdPerUnit[currency.toUpperCase()];
  if (rate === undefined) throw new Error(`test mode has no exchange rate for ${currency.toUpperCase()}`);
  return rate;
}

function toMinor(units: number, currency: string): number {
  return Math.round(units * 10 ** minorUnitExponent(currency.toUpperCase()));
}

function fromMinor(amount: number, currency: string): number {
  return amount / 10 ** minorUnitExponent(currency.toUpperCase());
}

/** What a charge of `amount` minor units of `presented` leaves in a balance kept in `settlement`. */
export function settle(amount: number, presented: string, settlement: string): Settlement {
  const converted = presented.toUpperCase() !== settlement.toUpperCase();
  const exchangeRate = converted ? Number((usdPerUnit(presented) / usdPerUnit(settlement)).toFixed(6)) : null;
  const settled = converted
    ? toMinor(fromMinor(amount, presented) * (exchangeRate ?? 1), settlement)
    : amount;
  const fixed = toMinor(testPricing.fixedUsdCents / 100 / usdPerUnit(settlement), settlement);
  const percent = testPricing.percent + (converted ? testPricing.conversionPercent : 0);
  return {
    amount: settled,
    currency: settlement.toLowerCase(),
    fee: Math.min(settled, Math.round(settled * percent) + fixed),
    exchangeRate,
  };
}

/** A refund of `amount` presented minor units, settled at today's rate (Stripe keeps the original fee). */
export function settleRefund(amount: number, presented: string, settlement: string): Settlement {
  const { amount: settled, currency, exchangeRate } = settle(amount, presented, settlement);
  return { amount: -settled, currency, fee: 0, exchangeRate };
}
