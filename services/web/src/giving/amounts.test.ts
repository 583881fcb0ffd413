import { describe, expect, it } from 'vitest';
import { parseAmount, presetAmounts } from './amounts.ts';

describe('amounts as donors type them', () => {
  it.each([
    ['25', 'EUR', 2500],
    ['25.5', 'EUR', 2550],
    ['25,50', 'EUR', 2550],
    [' 1 234,50 ', 'EUR', 123_450],
    ['1,234.50', 'USD', 123_450],
    ['1.234,50', 'EUR', 123_450],
    ['1,000.00', 'USD', 100_000],
    ['3000', 'JPY', 3000],
    ['7.5', 'KWD', 7500],
    ['1,500', 'KWD', 1500],
  ])('when %j is typed in %s, then it is %i minor units', (text, currency, expected) => {
    expect(parseAmount(text, currency)).toBe(expected);
  });

  it.each([
    ['', 'EUR', 'missing'],
    ['   ', 'EUR', 'missing'],
    ['25.5555', 'EUR', 'too-many-decimals'],
    ['25.555', 'EUR', 'malformed'],
    ['1,000', 'USD', 'malformed'],
    ['3.000', 'JPY', 'malformed'],
    ['25.5', 'JPY', 'too-many-decimals'],
    ['-5', 'EUR', 'malformed'],
    ['5e3', 'EUR', 'malformed'],
    ['twenty', 'EUR', 'malformed'],
    ['1234567890', 'EUR', 'malformed'],
  ])('when %j is typed in %s, then it is refused as %s', (text, currency, problem) => {
    expect(parseAmount(text, currency)).toBe(problem);
  });

  it('when presets are offered, then they are round numbers of each currency, in its minor units', () => {
    expect(presetAmounts('EUR')).toEqual([1000, 2500, 5000, 10_000]);
    expect(presetAmounts('JPY')).toEqual([1000, 3000, 5000, 10_000]);
    expect(presetAmounts('KWD')).toEqual([5000, 10_000, 20_000, 50_000]);
  });
});
