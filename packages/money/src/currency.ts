import { z } from 'zod';

// ISO 4217 minor-unit exponents that differ from the usual 2. Intl knows which codes exist, but its digits
// come from CLDR (display conventions), which disagree with ISO 4217 for some codes, so the exponent is ours.
const exponentExceptions: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

// Funds, precious metals and testing codes are not money a donor can give.
const notGivable = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);

/** The ISO 4217 codes money can be given in, in alphabetical order. */
export const currencyCodes: readonly string[] = Intl.supportedValuesOf('currency').filter(
  (code) => !notGivable.has(code),
);

const knownCurrencies: ReadonlySet<string> = new Set(currencyCodes);

export function isCurrencyCode(code: string): boolean {
  return knownCurrencies.has(code);
}

/** Number of decimal places of the currency's minor unit (2 for USD, 0 for JPY, 3 for KWD). */
export function minorUnitExponent(currency: string): number {
  return exponentExceptions[currency] ?? 2;
}

/**
 * The currencies a donor may pay in. Each campaign settles in its own currency; Stripe converts a gift in any
 * of these and reports the settled amount, fee and rate on the charge's balance transaction.
 */
export const donorCurrencies = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'SEK',
  'NOK',
  'DKK',
  'CHF',
  'AED',
  'SAR',
  'QAR',
  'KWD',
  'JPY',
] as const;
export type DonorCurrency = (typeof donorCurrencies)[number];

const donorCurrencySet: ReadonlySet<string> = new Set(donorCurrencies);

export function isDonorCurrency(code: string): code is DonorCurrency {
  return donorCurrencySet.has(code);
}

// Checked in two steps for the clearer message, and published as the enum of the codes accepted (a refinement
// is invisible to the OpenAPI document, which would otherwise promise every three capital letters).
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code in upper case, such as USD')
  .refine(isCurrencyCode, 'is not an ISO 4217 currency code')
  .meta({ enum: [...currencyCodes] });

/** A currency a donor may pay in, published as the enum of those codes. */
export const donorCurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code in upper case, such as USD')
  .refine(isDonorCurrency, `is not a currency donations are taken in (${donorCurrencies.join(', ')})`)
  .meta({ enum: [...donorCurrencies] });
