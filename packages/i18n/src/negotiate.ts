import { match } from '@formatjs/intl-localematcher';
import Negotiator from 'negotiator';
import { defaultLocale, isSupportedLocale, supportedLocales, type Locale } from './locales.ts';

export interface LocaleSources {
  /** An explicit choice in the address (`?lang=`), e.g. a picker link. */
  query?: unknown;
  /** The choice remembered in a cookie. */
  cookie?: unknown;
  /** The browser's `Accept-Language` header. */
  acceptLanguage?: string | undefined;
}

export interface NegotiatedLocale {
  locale: Locale;
  source: 'query' | 'cookie' | 'accept-language' | 'default';
}

function wellFormed(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** The best supported language for an `Accept-Language` header (q-values honoured, `fr-CA` → `fr`). */
export function localeFromAcceptLanguage(header: string | undefined): Locale | null {
  if (!header) return null;
  const requested = new Negotiator({ headers: { 'accept-language': header } }).languages().filter(wellFormed);
  if (requested.length === 0) return null;
  const found = match(requested, supportedLocales, '');
  return isSupportedLocale(found) ? found : null;
}

/** The address wins, then the cookie, then the browser's languages, then English; unknown values are skipped. */
export function negotiateLocale(sources: LocaleSources): NegotiatedLocale {
  if (isSupportedLocale(sources.query)) return { locale: sources.query, source: 'query' };
  if (isSupportedLocale(sources.cookie)) return { locale: sources.cookie, source: 'cookie' };
  const accepted = localeFromAcceptLanguage(sources.acceptLanguage);
  if (accepted) return { locale: accepted, source: 'accept-language' };
  return { locale: defaultLocale, source: 'default' };
}
