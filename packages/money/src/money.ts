import { z } from 'zod';
import { currencySchema, minorUnitExponent } from './currency.ts';

/** An amount of money: a whole number of the currency's minor units (cents for USD), never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export const amountSchema = z
  .number({ error: 'must be a whole number of minor units, such as 2500 for 25.00' })
  .int('must be a whole number of minor units, such as 2500 for 25.00')
  .nonnegative('must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

// A minimum of 1 rather than a refinement, so the published schema says what is accepted (minimum 1, not 0).
export const positiveAmountSchema = z
  .number({ error: 'must be a whole number of minor units, such as 2500 for 25.00' })
  .int('must be a whole number of minor units, such as 2500 for 25.00')
  .min(1, 'must be greater than zero')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

export const moneySchema = z.object({ amount: amountSchema, currency: currencySchema });

export class CurrencyMismatchError extends Error {
  constructor(left: string, right: string) {
    super(`cannot combine ${left} with ${right}`);
    this.name = 'CurrencyMismatchError';
  }
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount))
    throw new RangeError(`amount ${amount} is not a whole number of minor units`);
  return { amount, currency };
}

function sameCurrency(left: Money, right: Money): void {
  if (left.currency !== right.currency) throw new CurrencyMismatchError(left.currency, right.currency);
}

export function add(left: Money, right: Money): Money {
  sameCurrency(left, right);
  return money(left.amount + right.amount, left.currency);
}

export function subtract(left: Money, right: Money): Money {
  sameCurrency(left, right);
  return money(left.amount - right.amount, left.currency);
}

export function zero(currency: string): Money {
  return { amount: 0, currency };
}

/** Decimal string of an amount, exact for any safe integer (no float division): 2500 USD -> "25.00". */
export function toDecimalString({ amount, currency }: Money): string {
  const exponent = minorUnitExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Human display, e.g. "$25.00" in en-US; uses the decimal string so large amounts stay exact. */
export function formatMoney(value: Money, locale = 'en-US'): string {
  const exponent = minorUnitExponent(value.currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: value.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(toDecimalString(value) as unknown as number);
}
