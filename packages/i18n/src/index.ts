export { catalogs, msgKey, type Catalog, type MessageKey } from './catalogs.ts';
export { formatters, type Formatters } from './formatters.ts';
export {
  defaultLocale,
  endonyms,
  intlLocale,
  isSupportedLocale,
  supportedLocaleOf,
  supportedLocales,
  textDirection,
  type Locale,
} from './locales.ts';
export {
  localeFromAcceptLanguage,
  negotiateLocale,
  type LocaleSources,
  type NegotiatedLocale,
} from './negotiate.ts';
export {
  createTranslator,
  type MessageValues,
  type MissingPolicy,
  type Translator,
  type TranslatorOptions,
} from './translator.ts';
