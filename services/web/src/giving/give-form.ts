import { isCountryCode } from '@aid/contracts';
import type { Locale } from '@aid/i18n';
import { isDonorCurrency } from '@aid/money';
import { z } from 'zod';
import { parseAmount } from './amounts.ts';

/** The fields of the give form, as the browser posts them (urlencoded). */
export type GiveFormFields = Partial<
  Record<
    | 'amount'
    | 'customAmount'
    | 'currency'
    | 'interval'
    | 'email'
    | 'name'
    | 'showName'
    | 'geographyConsent'
    | 'countryOfResidence'
    | 'countryOfHeritage',
    string
  >
>;

/** Why a field was not taken, as a code the page words in the donor's language. */
export type FieldProblem =
  | 'amount-missing'
  | 'amount-malformed'
  | 'amount-decimals'
  | 'amount-below-minimum'
  | 'amount-above-maximum'
  | 'currency-unknown'
  | 'email-missing'
  | 'email-malformed'
  | 'name-needed'
  | 'name-malformed'
  | 'country-unknown';

export type FieldErrors = Partial<
  Record<'amount' | 'currency' | 'email' | 'name' | 'countryOfResidence' | 'countryOfHeritage', FieldProblem>
>;

/** A gift as the donation API takes it. */
export interface GiftRequest {
  campaignId: string;
  amount: number;
  currency: string;
  interval: 'once' | 'month';
  donor: { email: string; name?: string };
  showName: boolean;
  geographyConsent: boolean;
  countryOfResidence?: string;
  countryOfHeritage?: string;
  locale: Locale;
}

// The pattern the donation API publishes for the address (zod's), so the page refuses exactly what the API would.
const emailPattern = z.regexes.email;

const checked = (value: string | undefined) => value === 'on' || value === 'true' || value === 'yes';

/**
 * Reads the give form into a gift for the donation API, or says beside which field what is wrong. Countries are
 * kept only with the donor's consent to be counted (the API refuses them otherwise), so without it they are dropped.
 */
export function readGiveForm(
  fields: GiveFormFields,
  context: { campaignId: string; locale: Locale },
): { gift: GiftRequest; errors: null } | { gift: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const currency = (fields.currency ?? '').trim().toUpperCase();
  if (!isDonorCurrency(currency)) errors.currency = 'currency-unknown';

  const custom = (fields.customAmount ?? '').trim();
  const chosen = (fields.amount ?? '').trim();
  let amount = 0;
  if (!errors.currency) {
    // A typed amount wins over a preset: the donor typed it last (the page selects "other" when they do).
    const parsed =
      custom !== '' || chosen === 'other' || chosen === ''
        ? parseAmount(custom, currency)
        : /^\d{1,12}$/.test(chosen)
          ? Number(chosen)
          : 'malformed';
    if (typeof parsed === 'number' && parsed > 0) amount = parsed;
    else
      errors.amount =
        parsed === 'missing' || parsed === 0
          ? 'amount-missing'
          : parsed === 'too-many-decimals'
            ? 'amount-decimals'
            : 'amount-malformed';
  }

  const email = (fields.email ?? '').trim();
  if (email === '') errors.email = 'email-missing';
  else if (email.length > 254 || !emailPattern.test(email)) errors.email = 'email-malformed';

  const name = (fields.name ?? '').trim();
  const showName = checked(fields.showName);
  if (name.length > 100) errors.name = 'name-malformed';
  else if (showName && name === '') errors.name = 'name-needed';

  const geographyConsent = checked(fields.geographyConsent);
  const countries: Pick<GiftRequest, 'countryOfResidence' | 'countryOfHeritage'> = {};
  if (geographyConsent) {
    for (const field of ['countryOfResidence', 'countryOfHeritage'] as const) {
      const code = (fields[field] ?? '').trim().toUpperCase();
      if (code === '') continue;
      if (isCountryCode(code)) countries[field] = code;
      else errors[field] = 'country-unknown';
    }
  }
  if (Object.keys(errors).length > 0) return { gift: null, errors };
  return {
    gift: {
      campaignId: context.campaignId,
      amount,
      currency,
      interval: fields.interval === 'month' ? 'month' : 'once',
      donor: name === '' ? { email } : { email, name },
      showName,
      geographyConsent,
      ...countries,
      locale: context.locale,
    },
    errors: null,
  };
}
