import { minorUnitExponent } from '@aid/money';

/**
 * Stripe's standard card pricing, as an estimate shown before the donor pays: a percentage of the gift plus a
 * fixed part in the campaign's (settlement) currency, and one percent more when the donor's currency is
 * converted. What a gift really cost is read from Stripe's balance transaction once it is paid, and that is the
 * figure on the receipt and the public record; this only prepares the donor for it.
 */
export const cardPricing = { percent: 0.029, conversionPercent: 0.01 } as const;

/** The fixed part per charge in each settlement currency, minor units. */
const fixedFee: Record<string, number> = {
  USD: 30,
  EUR: 25,
  GBP: 20,
  CAD: 30,
  AUD: 30,
  CHF: 30,
  SEK: 180,
  NOK: 200,
  DKK: 180,
  AED: 100,
  SAR: 100,
  QAR: 100,
  KWD: 100,
  JPY: 0,
};

export interface FeeEstimate {
  /** The percentage of the gift (as a fraction), conversion included. */
  percent: number;
  /** The fixed part in the settlement currency (minor units); null when the pricing of that currency is not known here. */
  fixed: number | null;
  settlementCurrency: string;
  converted: boolean;
  /** Only when nothing is converted: the whole fee and what reaches the campaign, in minor units. */
  fee: number | null;
  reaches: number | null;
}

export function estimateCardFee(
  amount: number,
  donorCurrency: string,
  settlementCurrency: string,
): FeeEstimate {
  const converted = donorCurrency !== settlementCurrency;
  const percent = cardPricing.percent + (converted ? cardPricing.conversionPercent : 0);
  const fixed = fixedFee[settlementCurrency] ?? null;
  if (converted || fixed === null)
    return { percent, fixed, settlementCurrency, converted, fee: null, reaches: null };
  const fee = Math.min(amount, Math.round(amount * percent) + fixed);
  return { percent, fixed, settlementCurrency, converted, fee, reaches: amount - fee };
}

/** What the page script needs to estimate as the donor types, without a second copy of the table. */
export function feeParameters(settlementCurrency: string) {
  return {
    settlementCurrency,
    exponent: minorUnitExponent(settlementCurrency),
    ...cardPricing,
    fixed: fixedFee[settlementCurrency] ?? null,
  };
}
