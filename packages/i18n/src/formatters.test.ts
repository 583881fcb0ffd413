import { describe, expect, it } from 'vitest';
import { formatters } from './formatters.ts';
import type { Locale } from './locales.ts';

// Invisible characters CLDR puts in money and dates: no-break spaces and the bidi marks of right-to-left text.
const nbsp = '\u00a0';
const nnbsp = '\u202f';
const rlm = '\u200f';
const lrm = '\u200e';
// In right-to-left languages an amount is isolated as one unit, a Latin currency symbol kept left to right in it.
const fsi = '\u2068';
const lri = '\u2066';
const pdi = '\u2069';

describe('money by ISO 4217 exponent, always with its currency', () => {
  it.each<[Locale, number, string, string]>([
    ['en', 2500, 'USD', '$25.00'],
    ['en', 123456, 'JPY', '¥123,456'],
    ['en', 1234567, 'KWD', `KWD${nbsp}1,234.567`],
    ['en', -1999, 'EUR', '-€19.99'],
    ['fr', 2500, 'USD', `25,00${nbsp}$US`],
    ['fr', 123456, 'JPY', `123${nnbsp}456${nbsp}JPY`],
    ['fr', 1234567, 'KWD', `1${nnbsp}234,567${nbsp}KWD`],
    ['ar', 2500, 'USD', `${fsi}${rlm}25.00${nbsp}${lri}US$${pdi}${pdi}`],
    ['ar', 123456, 'JPY', `${fsi}${rlm}123,456${nbsp}${lri}JP¥${pdi}${pdi}`],
    ['ar', 1234567, 'KWD', `${fsi}${rlm}1,234.567${nbsp}د.ك.${rlm}${pdi}`],
    ['ur', 2500, 'USD', `${fsi}${lri}$${pdi}25.00${pdi}`],
    ['ur', 150000, 'PKR', `${fsi}${lri}Rs${pdi}${nbsp}1,500.00${pdi}`],
    ['ur', 123456, 'JPY', `${fsi}${lri}JP¥${pdi}123,456${pdi}`],
    ['ur', 1234567, 'KWD', `${fsi}${lri}KWD${pdi}${nbsp}1,234.567${pdi}`],
    ['so', 2500, 'USD', 'US$25.00'],
    ['so', 1234567, 'KWD', `KWD${nbsp}1,234.567`],
    ['es', 2500, 'USD', `25,00${nbsp}US$`],
    ['es', 123456, 'JPY', `123.456${nbsp}JPY`],
    ['es', 1234567, 'KWD', `1234,567${nbsp}KWD`],
    ['uk', 2500, 'UAH', `25,00${nbsp}₴`],
    ['uk', 123456, 'JPY', `123${nbsp}456${nbsp}¥`],
    ['uk', 1234567, 'KWD', `1${nbsp}234,567${nbsp}KWD`],
    ['ht', 2500, 'HTG', `25,00${nbsp}G`],
    ['ht', 123456, 'JPY', `123${nnbsp}456${nbsp}JPY`],
    ['ht', 1234567, 'KWD', `1${nnbsp}234,567${nbsp}KWD`],
  ])('when %s shows %i minor units of %s, then it reads %j', (locale, amount, currency, expected) => {
    expect(formatters(locale).money(amount, currency)).toBe(expected);
  });

  it("when an amount is beyond a float's exact range, then every minor unit is kept", () => {
    expect(formatters('en').money(Number.MAX_SAFE_INTEGER, 'KWD')).toBe(`KWD${nbsp}9,007,199,254,740.991`);
  });
});

describe('numbers, percentages, dates and country names', () => {
  it.each<[Locale, string, string, string, string]>([
    ['en', '1,234,567', '12.5%', 'Jan 2, 2026', 'Pakistan'],
    ['fr', `1${nnbsp}234${nnbsp}567`, `12,5${nbsp}%`, '2 janv. 2026', 'Pakistan'],
    ['ar', '1,234,567', `12.5${lrm}%${lrm}`, `${fsi}02${rlm}/01${rlm}/2026${pdi}`, 'باكستان'],
    ['ur', '1,234,567', '12.5%', `${fsi}2 جنوری، 2026${pdi}`, 'پاکستان'],
    ['so', '1,234,567', '12.5%', '02-Jan-2026', 'Bakistaan'],
    ['es', '1.234.567', `12,5${nbsp}%`, '2 ene 2026', 'Pakistán'],
    ['uk', `1${nbsp}234${nbsp}567`, '12,5%', '2 січ. 2026 р.', 'Пакистан'],
    ['ht', `1${nnbsp}234${nnbsp}567`, `12,5${nbsp}%`, '2 janv. 2026', 'Pakistan'],
  ])(
    'when %s writes numbers, then they read as the locale writes them',
    (locale, number, percent, date, pakistan) => {
      const fmt = formatters(locale);
      expect(fmt.number(1234567)).toBe(number);
      expect(fmt.percent(0.125)).toBe(percent);
      expect(fmt.date('2026-01-02')).toBe(date);
      expect(fmt.country('PK')).toBe(pakistan);
    },
  );

  it('when an instant is late in the UTC day, then the ledger day is shown whatever the server zone', () => {
    expect(formatters('en').date('2026-03-09T23:30:00Z')).toBe('Mar 9, 2026');
  });

  it('when an instant is shown to the minute, then it is read in UTC and says so, isolated in right-to-left text', () => {
    expect(formatters('en').dateTime('2026-12-04T21:07:30Z').replace(/\s/g, ' ')).toBe(
      'Dec 4, 2026, 09:07 PM UTC',
    );
    const arabic = formatters('ar').dateTime('2026-12-04T21:07:30Z');
    expect(arabic.startsWith(fsi) && arabic.endsWith(pdi)).toBe(true);
  });

  it('when a currency is named, then each language uses its own word, and an unknown code stays a code', () => {
    expect(formatters('en').currencyName('EUR')).toBe('Euro');
    expect(formatters('fr').currencyName('GBP')).toBe('livre sterling');
    expect(formatters('es').currencyName('SEK')).toBe('corona sueca');
    expect(formatters('en').currencyName('XQQ')).toBe('XQQ');
  });

  it('when a country is named, then Somali, Urdu and Ukrainian use their own names', () => {
    expect(formatters('so').country('SO')).toBe('Soomaaliya');
    expect(formatters('ur').country('SO')).toBe('صومالیہ');
    expect(formatters('uk').country('HT')).toBe('Гаїті');
    expect(formatters('en').country('XX')).toBe('XX');
  });

  it('when Urdu shows a compact amount, then it counts in lakh as South Asia does', () => {
    expect(formatters('ur').compactMoney(50_000_000, 'USD')).toBe(`${fsi}${lri}$${pdi}5${nbsp}لاکھ${pdi}`);
    expect(formatters('en').compactMoney(50_000_000, 'USD')).toBe('$500K');
  });
});
