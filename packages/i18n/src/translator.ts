import { TYPE } from '@formatjs/icu-messageformat-parser';
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

type Compiled = (values?: MessageValues) => string;

// Compiled once per process, language and message text; shared by every translator. Keyed by the catalog's own
// string, whose hash the engine keeps, rather than a key built on every call (a page formats hundreds of messages).
const compiled = new Map<Locale, Map<string, Compiled>>();
// Gaps already reported, per reporter: a server passes one reporter for all requests, so each gap is logged once.
const reported = new WeakMap<object, Set<string>>();

function compile(locale: Locale, source: string): Compiled {
  let ofLocale = compiled.get(locale);
  if (!ofLocale) {
    ofLocale = new Map();
    compiled.set(locale, ofLocale);
  }
  let format = ofLocale.get(source);
  if (!format) {
    const message = new IntlMessageFormat(source, intlLocale(locale));
    const ast = message.getAst();
    // Most messages are plain text (with escapes resolved): formatting them would only rebuild the same string.
    const text = ast.every((element) => element.type === TYPE.literal)
      ? ast.map((element) => element.value).join('')
      : null;
    format = text === null ? (values) => String(message.format(values)) : () => text;
    ofLocale.set(source, format);
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
      if (own !== undefined) return compile(locale, own)(values);
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
      return english === undefined ? key : compile(defaultLocale, english)(values);
    },
  };
}
