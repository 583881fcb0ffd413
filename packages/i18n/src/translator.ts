import { IntlMessageFormat } from 'intl-messageformat';
import { catalogs as shippedCatalogs, type Catalog, type MessageKey } from './catalogs.ts';
import { defaultLocale, intlLocale, type Locale } from './locales.ts';

export type MessageValues = Readonly<Record<string, string | number | Date>>;

/**
 * What happens when a language lacks a message: `mark` renders `⟦key⟧` so a test sees it and fails;
 * `english` (production) shows the English message and reports the gap once per language and key.
 */
export type MissingPolicy = 'mark' | 'english';

export interface TranslatorOptions {
  missing?: MissingPolicy;
  onMissing?: (gap: { locale: Locale; key: string }) => void;
  /** The catalogs to read; the shipped ones unless a test gives others. */
  catalogs?: Readonly<Record<Locale, Catalog>>;
}

export interface Translator {
  readonly locale: Locale;
  t: (key: MessageKey, values?: MessageValues) => string;
}

// Compiled once per process and message text; shared by every translator.
const compiled = new Map<string, IntlMessageFormat>();
// Gaps already reported, per reporter: a server passes one reporter for all requests, so each gap is logged once.
const reported = new WeakMap<object, Set<string>>();

function compile(locale: Locale, source: string): IntlMessageFormat {
  const id = `${locale}\u0000${source}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(source, intlLocale(locale));
    compiled.set(id, format);
  }
  return format;
}

/** Formats messages of one language; compiled messages are shared by every translator of that language. */
export function createTranslator(locale: Locale, options: TranslatorOptions = {}): Translator {
  const missing = options.missing ?? 'english';
  const catalogs = options.catalogs ?? shippedCatalogs;
  return {
    locale,
    t: (key, values) => {
      const own = catalogs[locale][key];
      if (own !== undefined) return String(compile(locale, own).format(values));
      if (missing === 'mark') return `⟦${key}⟧`;
      const reporter = options.onMissing;
      if (reporter) {
        const gaps = reported.get(reporter) ?? new Set<string>();
        reported.set(reporter, gaps);
        const gap = `${locale}\u0000${key}`;
        if (!gaps.has(gap)) {
          gaps.add(gap);
          reporter({ locale, key });
        }
      }
      const english = catalogs[defaultLocale][key];
      return english === undefined ? key : String(compile(defaultLocale, english).format(values));
    },
  };
}
