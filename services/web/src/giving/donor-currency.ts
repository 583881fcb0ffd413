import { isDonorCurrency } from '@aid/money';

/** The currency of the regions where diaspora donors most often live; others give in the campaign's currency. */
const currencyOfRegion: Record<string, string> = {
  US: 'USD',
  GB: 'GBP',
  CA: 'CAD',
  AU: 'AUD',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  CH: 'CHF',
  JP: 'JPY',
  AE: 'AED',
  SA: 'SAR',
  QA: 'QAR',
  KW: 'KWD',
  FR: 'EUR',
  DE: 'EUR',
  BE: 'EUR',
  NL: 'EUR',
  IE: 'EUR',
  IT: 'EUR',
  ES: 'EUR',
  PT: 'EUR',
  AT: 'EUR',
  FI: 'EUR',
  GR: 'EUR',
  LU: 'EUR',
};

/**
 * A first guess at the donor's currency from the region in their browser's preferred language (`en-GB`,
 * `fr-CA`); the campaign's own when no region is given or its currency is not one donors can pay in. The
 * donor can always pick another.
 */
export function guessCurrency(acceptLanguage: string | undefined, campaignCurrency: string): string {
  const first = acceptLanguage?.split(',')[0]?.trim().split(';')[0] ?? '';
  const region = /^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?-([A-Za-z]{2})\b/.exec(first)?.[1]?.toUpperCase();
  const currency = region ? currencyOfRegion[region] : undefined;
  return currency && isDonorCurrency(currency) ? currency : campaignCurrency;
}
