import { minorUnitExponent } from '@aid/money';

/**
 * What a Stripe balance transaction says about money entering or leaving the balance: `amount` and `fee` in
 * minor units of `currency` (the settlement currency), and `exchangeRate` as Stripe gives it when it converted
 * the charge (or refund) from its presentment currency, else null.
 */
export interface SettlementTransaction {
  id?: string;
  amount: number;
  currency: string;
  fee: number;
  exchangeRate: string | null;
}

/** A gift as far as settling it goes: what the donor was charged, and the currency its campaign keeps. */
export interface PresentedGift {
  amount: number;
  currency: string;
  settlementCurrency: string;
}

export type Settlement =
  | {
      kind: 'settled';
      /** Money that reached the balance, in the settlement currency, before the fee. */
      amount: number;
      fee: number;
      currency: string;
      /** Stripe's rate (settlement units per presented unit), null when nothing was converted. */
      exchangeRate: string | null;
      /** False when no transaction describes this same-currency gift (stripe-mock's fixture): fee 0, as before. */
      trusted: boolean;
    }
  | { kind: 'held'; reason: string };

const upper = (currency: string) => currency.toUpperCase();

/**
 * Stripe's rate applied to the presented amount lands within this share of the settled amount. Stripe rounds
 * the published rate and the result, so exact equality is not expected; a transaction that misses by more than
 * this is not this charge's (a fixture, a mix-up) and is not believed.
 */
const rateTolerance = 0.01;

function agreesWithRate(gift: PresentedGift, transaction: SettlementTransaction, rate: number): boolean {
  const presented = gift.amount / 10 ** minorUnitExponent(upper(gift.currency));
  const settled = transaction.amount / 10 ** minorUnitExponent(upper(transaction.currency));
  return (
    Math.abs(presented * rate - settled) <=
    Math.max(rateTolerance * settled, 10 ** -minorUnitExponent(upper(transaction.currency)))
  );
}

/**
 * The settled figures of a succeeded charge, only from its balance transaction: the platform never invents a
 * rate. A gift presented in the campaign's currency keeps today's rule (its own amount, the fee when the
 * transaction describes it, else 0). A gift in another currency is settled only by a transaction in the
 * campaign's currency that carries Stripe's rate and agrees with it; anything else holds the gift for an
 * operator, since counting it in the wrong currency or with an invented figure would misstate the campaign.
 */
export function settlementOf(gift: PresentedGift, transaction: SettlementTransaction | null): Settlement {
  const settlementCurrency = upper(gift.settlementCurrency);
  if (upper(gift.currency) === settlementCurrency) {
    if (
      transaction &&
      upper(transaction.currency) !== settlementCurrency &&
      transaction.exchangeRate !== null
    ) {
      return {
        kind: 'held',
        reason: `Stripe converted this ${settlementCurrency} charge into ${upper(transaction.currency)}; the campaign keeps ${settlementCurrency}`,
      };
    }
    const matches =
      transaction !== null &&
      transaction.amount === gift.amount &&
      upper(transaction.currency) === settlementCurrency &&
      transaction.fee >= 0;
    return {
      kind: 'settled',
      amount: gift.amount,
      fee: matches ? Math.min(transaction.fee, gift.amount) : 0,
      currency: settlementCurrency,
      exchangeRate: null,
      trusted: matches,
    };
  }
  if (!transaction) return { kind: 'held', reason: 'no balance transaction tells what this charge settled' };
  if (upper(transaction.currency) !== settlementCurrency) {
    return {
      kind: 'held',
      reason: `the charge settled in ${upper(transaction.currency)}, but the campaign keeps ${settlementCurrency}`,
    };
  }
  const rate = transaction.exchangeRate === null ? Number.NaN : Number(transaction.exchangeRate);
  if (!(rate > 0))
    return {
      kind: 'held',
      reason: `the balance transaction of a ${upper(gift.currency)} charge has no exchange rate`,
    };
  if (transaction.amount <= 0 || transaction.fee < 0 || !agreesWithRate(gift, transaction, rate)) {
    return {
      kind: 'held',
      reason: `the balance transaction (${transaction.amount} ${settlementCurrency} at ${transaction.exchangeRate}) does not describe ${gift.amount} ${upper(gift.currency)}`,
    };
  }
  return {
    kind: 'settled',
    amount: transaction.amount,
    fee: Math.min(transaction.fee, transaction.amount),
    currency: settlementCurrency,
    exchangeRate: transaction.exchangeRate,
    trusted: true,
  };
}

/** One refund of a charge, with the balance transaction that took it off the balance (negative `amount`). */
export interface ChargeRefundView {
  id: string;
  /** Presented units, what went back to the card. */
  amount: number;
  status: string;
  /** Stripe's creation time (seconds): refunds are counted oldest first. */
  created: number;
  balanceTransaction: SettlementTransaction | null;
}

/**
 * How much a charge's refunds took off the balance, in the settlement currency, each at the rate of its own day
 * as its balance transaction says (Stripe does not give back the fee). Failed and canceled refunds took
 * nothing. Only the oldest refunds that the charge's refunded level (`upToPresented`, presented units) covers
 * are counted, so an older `charge.refunded` does not count a refund made after it. Null when a counted refund
 * has no balance transaction in the settlement currency yet: nothing can be counted for it without inventing a
 * rate, so the refund waits.
 */
export function settledRefundLevel(
  refunds: readonly ChargeRefundView[],
  settlementCurrency: string,
  upToPresented = Number.POSITIVE_INFINITY,
): { level: number; byRefund: { refundId: string; amount: number }[] } | null {
  const byRefund: { refundId: string; amount: number }[] = [];
  let presented = 0;
  for (const refund of [...refunds].sort((a, b) => a.created - b.created)) {
    if (refund.status === 'failed' || refund.status === 'canceled') continue;
    if (presented + refund.amount > upToPresented) break;
    presented += refund.amount;
    const transaction = refund.balanceTransaction;
    if (!transaction || upper(transaction.currency) !== upper(settlementCurrency)) return null;
    byRefund.push({ refundId: refund.id, amount: Math.abs(transaction.amount) });
  }
  return { level: byRefund.reduce((total, refund) => total + refund.amount, 0), byRefund };
}

/**
 * A presented amount's share of the settled gift, rounded up: only for limits (what an organization may still
 * refund), never for recording money, which always comes from Stripe's own transactions.
 */
export function settledShare(gift: { amount: number; settledAmount: number }, presented: number): number {
  if (gift.amount <= 0) return 0;
  // In BigInt: the product of two large minor-unit amounts passes Number.MAX_SAFE_INTEGER.
  const product = BigInt(presented) * BigInt(gift.settledAmount);
  const amount = BigInt(gift.amount);
  return Number((product + amount - 1n) / amount);
}
