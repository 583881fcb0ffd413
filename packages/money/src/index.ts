export { currencyCodes, currencySchema, isCurrencyCode, minorUnitExponent } from './currency.ts';
export {
  add,
  amountSchema,
  CurrencyMismatchError,
  formatMoney,
  money,
  moneySchema,
  positiveAmountSchema,
  subtract,
  toDecimalString,
  zero,
  type Money,
} from './money.ts';
