import { describe, expect, it } from 'vitest';
import { createTranslator } from './translator.ts';

describe('plural rules done by the library', () => {
  it('when Arabic counts entries, then each of its six forms is chosen by CLDR rules', () => {
    const intlRules = new Intl.PluralRules('ar');
    expect([0, 1, 2, 3, 10, 11, 99, 100, 102].map((n) => intlRules.select(n))).toEqual([
      'zero',
      'one',
      'two',
      'few',
      'few',
      'many',
      'many',
      'other',
      'other',
    ]);
    const { t } = createTranslator('ar', { missing: 'mark' });
    const count = (n: number) => t('web.explorer.entryCount', { count: n });
    expect(count(0)).toBe('لا قيود');
    expect(count(1)).toBe('قيد واحد');
    expect(count(2)).toBe('قيدان');
    expect(count(3)).toBe('3 قيود');
    expect(count(10)).toBe('10 قيود');
    expect(count(11)).toBe('11 قيدًا');
    expect(count(99)).toBe('99 قيدًا');
    expect(count(100)).toBe('100 قيد');
    expect(count(1002)).toBe('1,002 قيد');
  });

  it('when Ukrainian counts people, then one, few, many and other follow the last digits', () => {
    const { t } = createTranslator('uk', { missing: 'mark' });
    const people = (n: number) =>
      t('web.entry.delivery', { description: 'ковдри', people: n, area: 'Харків' });
    expect(people(1)).toBe('Доставлено: ковдри (1 людина, Харків)');
    expect(people(21)).toBe('Доставлено: ковдри (21 людина, Харків)');
    expect(people(2)).toBe('Доставлено: ковдри (2 людини, Харків)');
    expect(people(24)).toBe('Доставлено: ковдри (24 людини, Харків)');
    expect(people(5)).toBe('Доставлено: ковдри (5 людей, Харків)');
    expect(people(11)).toBe('Доставлено: ковдри (11 людей, Харків)');
    expect(people(12)).toBe('Доставлено: ковдри (12 людей, Харків)');
    expect(people(1.5)).toBe('Доставлено: ковдри (1,5 людини, Харків)');
    const entries = (n: number) => t('web.explorer.entryCount', { count: n });
    expect([1, 3, 7, 111, 1001].map(entries)).toEqual([
      '1 запис',
      '3 записи',
      '7 записів',
      '111 записів',
      '1\u00a0001 запис',
    ]);
  });

  it('when English and Urdu count, then they have one and other', () => {
    expect(createTranslator('en').t('web.explorer.entryCount', { count: 1 })).toBe('1 entry');
    expect(createTranslator('en').t('web.explorer.entryCount', { count: 1200 })).toBe('1,200 entries');
    expect(createTranslator('ur').t('web.explorer.entryCount', { count: 1 })).toBe('1 اندراج');
    expect(createTranslator('ur').t('web.explorer.entryCount', { count: 2 })).toBe('2 اندراجات');
  });
});
