/**
 * Stripe's documented minimum charge amounts (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts),
 * in minor units of the presentment currency. Stripe refuses smaller PaymentIntents, so we refuse them first
 * with a clear message instead of a processor error. Currencies not listed use the USD-like default.
 */
const stripeMinimums: Readonly<Record<string, number>> = {
  USD: 50,
  EUR: 50,
  GBP: 30,
  AUD: 50,
  BRL: 50,
  CAD: 50,
  CHF: 50,
  INR: 50,
  NZD: 50,
  SGD: 50,
  AED: 200,
  BGN: 100,
  CZK: 1500,
  DKK: 250,
  HKD: 400,
  HUF: 17500,
  JPY: 50,
  MXN: 1000,
  MYR: 200,
  NOK: 300,
  PLN: 200,
  RON: 200,
  SEK: 300,
  THB: 1000,
};

/**
 * Donor currencies Stripe's table leaves out (SAR, QAR, KWD): there Stripe asks for the equivalent of the
 * settlement currency's minimum (0.50 USD) at the day's rate, which no fixed figure can know. These round
 * amounts stay above that equivalent at any recent rate (about 0.53, 0.55 and 0.65 USD), so Stripe never
 * refuses an amount we accepted. KWD has three decimals: 200 is 0.200 KWD.
 */
const equivalentMinimums: Readonly<Record<string, number>> = { SAR: 200, QAR: 200, KWD: 200 };

export const defaultMinimumAmount = 50;

export function minimumChargeAmount(currency: string): number {
  return stripeMinimums[currency] ?? equivalentMinimums[currency] ?? defaultMinimumAmount;
}
