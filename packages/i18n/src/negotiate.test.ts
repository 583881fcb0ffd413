import { describe, expect, it } from 'vitest';
import { supportedLocaleOf, textDirection } from './locales.ts';
import { localeFromAcceptLanguage, negotiateLocale } from './negotiate.ts';

describe('choosing the language', () => {
  it.each([
    [
      'the address names a language',
      { query: 'so', cookie: 'fr', acceptLanguage: 'uk' },
      { locale: 'so', source: 'query' },
    ],
    ['only a cookie names one', { cookie: 'ar', acceptLanguage: 'uk' }, { locale: 'ar', source: 'cookie' }],
    ['the address names an unknown one', { query: 'de', cookie: 'ht' }, { locale: 'ht', source: 'cookie' }],
    [
      'the cookie is tampered with',
      { cookie: '<script>', acceptLanguage: 'es-MX,es;q=0.9' },
      { locale: 'es', source: 'accept-language' },
    ],
    [
      'only the browser says',
      { acceptLanguage: 'de-DE,de;q=0.9,ur-PK;q=0.8,en;q=0.5' },
      { locale: 'ur', source: 'accept-language' },
    ],
    ['nothing says', {}, { locale: 'en', source: 'default' }],
    [
      'the browser asks only for unsupported ones',
      { acceptLanguage: 'de, ja;q=0.5' },
      { locale: 'en', source: 'default' },
    ],
  ])('when %s, then it is chosen as expected', (_case, sources, expected) => {
    expect(negotiateLocale(sources)).toEqual(expected);
  });

  it.each([
    ['fr-CA', 'fr'],
    ['ar-SY;q=0.9, en;q=0.8', 'ar'],
    ['en;q=0.1, uk;q=0.9', 'uk'],
    ['so-SO', 'so'],
    ['*', null],
    ['ht;q=0, fr;q=0.5', 'fr'],
    ['garbage;;;', null],
    ['', null],
  ])('when Accept-Language is %j, then the language is %j', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });

  it.each([
    ['fr', 'fr'],
    ['fr-CA', 'fr'],
    ['AR-sy', 'ar'],
    ['uk-UA', 'uk'],
    ['de', null],
    ['en_US', null],
    ['', null],
  ])('when a request names %j, then its supported language is %j', (tag, expected) => {
    expect(supportedLocaleOf(tag)).toBe(expected);
  });

  it('when the language is Arabic or Urdu, then text runs right to left', () => {
    expect(
      ['en', 'fr', 'ar', 'ur', 'so', 'es', 'uk', 'ht'].map((locale) => textDirection(locale as never)),
    ).toEqual(['ltr', 'ltr', 'rtl', 'rtl', 'ltr', 'ltr', 'ltr', 'ltr']);
  });
});
