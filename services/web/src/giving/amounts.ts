import { minorUnitExponent } from '@aid/money';

/** Suggested gifts per currency, in major units: round numbers a donor would pick in that currency. */
const presetsByCurrency: Record<string, readonly number[]> = {
  JPY: [1_000, 3_000, 5_000, 10_000],
  SEK: [100, 250, 500, 1_000],
  NOK: [100, 250, 500, 1_000],
  DKK: [100, 250, 500, 1_000],
  AED: [50, 100, 200, 500],
  SAR: [50, 100, 200, 500],
  QAR: [50, 100, 200, 500],
  KWD: [5, 10, 20, 50],
};
const defaultPresets = [10, 25, 50, 100] as const;

/** The suggested amounts in minor units of `currency`. */
export function presetAmounts(currency: string): number[] {
  const scale = 10 ** minorUnitExponent(currency);
  return (presetsByCurrency[currency] ?? defaultPresets).map((major) => major * scale);
}

export type AmountProblem = 'missing' | 'malformed' | 'too-many-decimals';

/**
 * An amount as a donor types it, in minor units of `currency`: digits, with a decimal point or comma (as their
 * language writes it) and at most as many decimals as the currency has. Group separators (spaces, and the
 * other mark when both are used) are ignored. Returns a problem instead when the text is not such an amount.
 */
export function parseAmount(text: string, currency: string): number | AmountProblem {
  const compact = text.replace(/[\s\u00a0\u202f']/g, '');
  if (compact === '') return 'missing';
  const exponent = minorUnitExponent(currency);
  // With both marks, the last one is the decimal mark and the other groups thousands (1,234.50 or 1.234,50).
  const lastDot = compact.lastIndexOf('.');
  const lastComma = compact.lastIndexOf(',');
  const decimalMark = lastDot >= 0 && lastComma >= 0 ? (lastDot > lastComma ? '.' : ',') : null;
  const normalized =
    decimalMark === null
      ? compact.replace(',', '.')
      : compact.replaceAll(decimalMark === '.' ? ',' : '.', '').replace(',', '.');
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(normalized);
  if (!match) return 'malformed';
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > exponent) {
    // A lone mark before exactly three digits (1,000 or 25.555) groups thousands in some languages and marks
    // decimals in others: rather than guess with someone's money, ask for plain digits.
    if (decimalMark === null && fraction.length === 3) return 'malformed';
    return 'too-many-decimals';
  }
  return Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
}
