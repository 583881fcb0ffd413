/**
 * The languages the platform speaks: those of the diasporas it serves and of the organizations they fund.
 * English is the reference: every other catalog has exactly its keys, and it is the fallback.
 */
export const supportedLocales = ['en', 'fr', 'ar', 'ur', 'so', 'es', 'uk', 'ht'] as const;
export type Locale = (typeof supportedLocales)[number];
export const defaultLocale: Locale = 'en';

const rightToLeft: ReadonlySet<Locale> = new Set(['ar', 'ur']);

/** Each language named in itself, as a picker shows it (Intl has no Haitian Creole data to ask). */
export const endonyms: Readonly<Record<Locale, string>> = {
  en: 'English',
  fr: 'Français',
  ar: 'العربية',
  ur: 'اردو',
  so: 'Soomaali',
  es: 'Español',
  uk: 'Українська',
  ht: 'Kreyòl ayisyen',
};

export function isSupportedLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (supportedLocales as readonly string[]).includes(value);
}

/** The supported language of a BCP 47 tag (`fr-CA` → `fr`, `AR` → `ar`), or null for an ill-formed or unsupported one. */
export function supportedLocaleOf(tag: string): Locale | null {
  try {
    const language = new Intl.Locale(tag).language;
    return isSupportedLocale(language) ? language : null;
  } catch {
    return null;
  }
}

export function textDirection(locale: Locale): 'rtl' | 'ltr' {
  return rightToLeft.has(locale) ? 'rtl' : 'ltr';
}

/**
 * The tag given to Intl for numbers, dates, plurals and names. ICU ships no Haitian Creole data, so `ht`
 * would silently format as English; Haiti writes numbers and dates the French way, so `fr-HT` stands in.
 * Every other language uses its own CLDR defaults, digits included: `ar` and `ur` write Western digits
 * there (CLDR's default for both), which is what Intl gives and what the tests hold.
 */
export function intlLocale(locale: Locale): string {
  return locale === 'ht' ? 'fr-HT' : locale;
}
