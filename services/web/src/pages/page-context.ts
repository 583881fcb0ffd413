import {
  createTranslator,
  formatters,
  textDirection,
  type Formatters,
  type Locale,
  type MessageKey,
  type MessageValues,
  type MissingPolicy,
} from '@aid/i18n';

/** What every page renders with: the reader's language, its messages and formatters, and the way to this page in another language. */
export interface PageContext {
  locale: Locale;
  dir: 'ltr' | 'rtl';
  t: (key: MessageKey, values?: MessageValues) => string;
  fmt: Formatters;
  /** This page's address in another language (`?lang=`, other query parameters kept). */
  hrefIn: (locale: Locale) => string;
}

export interface PageContextOptions {
  locale: Locale;
  /** The address of the page as requested, path and query. */
  url: string;
  missing?: MissingPolicy;
  onMissing?: (gap: { locale: Locale; key: string }) => void;
}

export function pageContext({ locale, url, missing, onMissing }: PageContextOptions): PageContext {
  const translator = createTranslator(locale, {
    ...(missing ? { missing } : {}),
    ...(onMissing ? { onMissing } : {}),
  });
  const address = new URL(url, 'http://page.invalid');
  return {
    locale,
    dir: textDirection(locale),
    t: (key, values) => translator.t(key, values),
    fmt: formatters(locale),
    hrefIn(other) {
      const target = new URL(address.href);
      target.searchParams.set('lang', other);
      return `${target.pathname}${target.search}`;
    },
  };
}
