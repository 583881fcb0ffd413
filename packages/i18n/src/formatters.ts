import { minorUnitExponent, toDecimalString } from '@aid/money';
import { intlLocale, textDirection, type Locale } from './locales.ts';

const firstStrongIsolate = '\u2068';
const leftToRightIsolate = '\u2066';
const popIsolate = '\u2069';
const rightToLeftLetter = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

/**
 * An amount as one unit inside right-to-left text. Without isolation the bidi algorithm splits it: in Arabic
 * "US$" showed as "$US", in Urdu "$50.00" as "50.00$". The amount is isolated with the direction of its own
 * pattern (CLDR's Arabic pattern starts with a right-to-left mark, Urdu's with none), and a Latin currency symbol
 * is kept left to right inside it.
 */
function isolatedAmount(parts: Intl.NumberFormatPart[]): string {
  const text = parts
    .map((part) =>
      part.type === 'currency' && !rightToLeftLetter.test(part.value)
        ? `${leftToRightIsolate}${part.value}${popIsolate}`
        : part.value,
    )
    .join('');
  return `${firstStrongIsolate}${text}${popIsolate}`;
}

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
  /** An instant to the minute, in UTC and saying so, e.g. "Dec 4, 2026, 09:00 PM UTC": when something was last checked. */
  dateTime: (value: string | Date) => string;
  /** An ISO 3166 region code as its name in the locale; the code itself when Intl does not know it. */
  country: (code: string) => string;
  /** A language code as its name in the locale. */
  language: (code: string) => string;
  /** An ISO 4217 code as the currency's name in the locale ("euro", "يورو"); the code when Intl does not know it. */
  currencyName: (code: string) => string;
  list: (items: readonly string[]) => string;
}

const cache = new Map<Locale, Formatters>();

function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
}

function build(locale: Locale): Formatters {
  const tag = intlLocale(locale);
  const rtl = textDirection(locale) === 'rtl';
  const numbers = new Intl.NumberFormat(tag);
  const percents = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 1 });
  const dates = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' });
  const instants = new Intl.DateTimeFormat(tag, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  });
  const regions = new Intl.DisplayNames([tag], { type: 'region', fallback: 'code' });
  const languages = new Intl.DisplayNames([tag], { type: 'language', fallback: 'code' });
  const currencies = new Intl.DisplayNames([tag], { type: 'currency', fallback: 'code' });
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
        format = new Intl.NumberFormat(tag, {
          style: 'currency',
          currency,
          minimumFractionDigits: exponent,
          maximumFractionDigits: exponent,
        });
        moneyFormats.set(currency, format);
      }
      // The decimal string keeps every minor unit exact; Intl formats it without passing through a float.
      const decimal = toDecimalString({ amount, currency }) as Intl.StringNumericLiteral;
      return rtl ? isolatedAmount(format.formatToParts(decimal)) : format.format(decimal);
    },
    compactMoney: (amount, currency) => {
      let format = compactFormats.get(currency);
      if (!format) {
        format = new Intl.NumberFormat(tag, {
          style: 'currency',
          currency,
          notation: 'compact',
          maximumFractionDigits: 1,
        });
        compactFormats.set(currency, format);
      }
      const decimal = toDecimalString({ amount, currency }) as Intl.StringNumericLiteral;
      return rtl ? isolatedAmount(format.formatToParts(decimal)) : format.format(decimal);
    },
    number: (value) => numbers.format(value),
    percent: (fraction) => percents.format(fraction),
    // Arabic dates carry right-to-left marks between their parts; isolated, they read the same in any surrounding text.
    date: (value) =>
      rtl ? `${firstStrongIsolate}${dates.format(toDate(value))}${popIsolate}` : dates.format(toDate(value)),
    dateTime: (value) =>
      rtl
        ? `${firstStrongIsolate}${instants.format(toDate(value))}${popIsolate}`
        : instants.format(toDate(value)),
    country: (code) => named(regions, code),
    language: (code) => named(languages, code),
    currencyName: (code) => named(currencies, code),
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
