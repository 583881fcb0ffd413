import { minorUnitExponent, toDecimalString } from '@aid/money';
import { intlLocale, type Locale } from './locales.ts';

export interface Formatters {
  /** An amount in minor units (ISO 4217 exponent) with its currency, as the locale writes money. */
  money: (amount: number, currency: string) => string;
  /** A short form for chart axes, e.g. "$1.2K"; the currency is always shown. */
  compactMoney: (amount: number, currency: string) => string;
  number: (value: number) => string;
  /** A fraction (0.4) as a percentage, one decimal at most. */
  percent: (fraction: number) => string;
  /** A calendar date (`2026-01-02` or an instant), read in UTC so every reader sees the ledger's day. */
  date: (value: string | Date) => string;
  /** An ISO 3166 region code as its name in the locale; the code itself when Intl does not know it. */
  country: (code: string) => string;
  /** A language code as its name in the locale. */
  language: (code: string) => string;
  list: (items: readonly string[]) => string;
}

const cache = new Map<Locale, Formatters>();

function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

function build(locale: Locale): Formatters {
  const tag = intlLocale(locale);
  const numbers = new Intl.NumberFormat(tag);
  const percents = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
  const dates = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' });
  const regions = new Intl.DisplayNames([tag], { type: 'region', fallback: 'code' });
  const languages = new Intl.DisplayNames([tag], { type: 'language', fallback: 'code' });
  const lists = new Intl.ListFormat(tag, { type: 'conjunction', style: 'narrow' });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const compactFormats = new Map<string, Intl.NumberFormat>();
  const named = (names: Intl.DisplayNames, code: string) => {
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  };
  return {
    money: (amount, currency) => {
      let format = moneyFormats.get(currency);
      if (!format) {
        const exponent = minorUnitExponent(currency);
        format = new Intl.NumberFormat(tag, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
        moneyFormats.set(currency, format);
      }
      // The decimal string keeps every minor unit exact; Intl formats it without passing through a float.
      return format.format(toDecimalString({ amount, currency }) as Intl.StringNumericLiteral);
    },
    compactMoney: (amount, currency) => {
      let format = compactFormats.get(currency);
      if (!format) {
        format = new Intl.NumberFormat(tag, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 });
        compactFormats.set(currency, format);
      }
      return format.format(toDecimalString({ amount, currency }) as Intl.StringNumericLiteral);
    },
    number: (value) => numbers.format(value),
    percent: (fraction) => percents.format(fraction),
    date: (value) => dates.format(toDate(value)),
    country: (code) => named(regions, code),
    language: (code) => named(languages, code),
    list: (items) => lists.format(items),
  };
}

export function formatters(locale: Locale): Formatters {
  let found = cache.get(locale);
  if (!found) {
    found = build(locale);
    cache.set(locale, found);
  }
  return found;
}
