export {
  currencyCodes,
  currencySchema,
  donorCurrencies,
  donorCurrencySchema,
  isCurrencyCode,
  isDonorCurrency,
  minorUnitExponent,
  type DonorCurrency,
} from './currency.ts';
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
