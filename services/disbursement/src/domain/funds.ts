/**
 * The money of one campaign as the disbursement service holds it. Invariants (DESIGN.md, conservation):
 * net = raised - fees - refunded; available = net - allocated; allocated <= net; paidOut <= allocated; nothing
 * negative. Each change below is a delta plus the guard under which it may be applied, so the store can run it
 * as one guarded atomic update and the tests can check the same rules on random histories.
 */
export interface FundsBalances {
  raised: number;
  fees: number;
  refunded: number;
  net: number;
  allocated: number;
  paidOut: number;
  available: number;
  refundShortfall: number;
}

export type FundsDelta = Partial<FundsBalances>;

export const emptyFunds: FundsBalances = {
  raised: 0,
  fees: 0,
  refunded: 0,
  net: 0,
  allocated: 0,
  paidOut: 0,
  available: 0,
  refundShortfall: 0,
};

export function giftCredit(gift: { amount: number; fee: number; net: number }): FundsDelta {
  return { raised: gift.amount, fees: gift.fee, net: gift.net, available: gift.net };
}

/**
 * How a refund is absorbed when nothing else is pending on the gift: what is still unallocated on it comes off
 * the gift and off the account; money already allocated to a disbursement cannot be taken back from the aid it
 * paid for, so that part becomes a shortfall the organization owes back. The full rule, with releases and
 * reversals, is the gift position (gift-position.ts); this is its simplest case.
 */
export function splitRefund(remaining: number, amount: number): { applied: number; shortfall: number } {
  const applied = Math.max(0, Math.min(remaining, amount));
  return { applied, shortfall: amount - applied };
}

export function refundDebit(split: { applied: number; shortfall: number }): FundsDelta {
  return { refunded: split.applied, net: -split.applied, available: -split.applied, refundShortfall: split.shortfall };
}

/**
 * A refund that failed gives back exactly what it took: the shortfall it had created is no longer owed, and the
 * money that came off the account is available again. Only ever adds to available, so it needs no guard.
 */
export function reversalCredit(split: { restored: number; cleared: number }): FundsDelta {
  return { refunded: -split.restored, net: split.restored, available: split.restored, refundShortfall: -split.cleared };
}

export function reservation(amount: number): FundsDelta {
  return { allocated: amount, available: -amount };
}

/**
 * A cancelled approval gives its reservation back: the exact inverse of `reservation` when none of its gifts was
 * refunded meanwhile. `covered` is what its released slices paid of their gifts' refund shortfalls: that money
 * already went back to donors, so it becomes refunded (leaving net) instead of available.
 */
export function release(amount: number, covered = 0): FundsDelta {
  return { allocated: -amount, available: amount - covered, ...(covered > 0 ? { refunded: covered, net: -covered, refundShortfall: -covered } : {}) };
}

export function canRelease(funds: FundsBalances, amount: number): boolean {
  return funds.allocated - amount >= funds.paidOut;
}

export function payout(amount: number): FundsDelta {
  return { paidOut: amount };
}

export function canReserve(funds: FundsBalances, amount: number): boolean {
  return funds.available >= amount;
}

export function canRefund(funds: FundsBalances, applied: number): boolean {
  return funds.available >= applied;
}

export function canPayOut(funds: FundsBalances, amount: number): boolean {
  return funds.paidOut + amount <= funds.allocated;
}

export function applyDelta(funds: FundsBalances, delta: FundsDelta): FundsBalances {
  const next = { ...funds };
  for (const [key, value] of Object.entries(delta) as [keyof FundsBalances, number][]) next[key] += value;
  return next;
}

/** The broken invariants, if any: empty when the balances conserve money. */
export function conservationViolations(funds: FundsBalances): string[] {
  const violations: string[] = [];
  if (funds.net !== funds.raised - funds.fees - funds.refunded) violations.push('net != raised - fees - refunded');
  if (funds.available !== funds.net - funds.allocated) violations.push('available != net - allocated');
  if (funds.allocated > funds.net) violations.push('allocated > net');
  if (funds.paidOut > funds.allocated) violations.push('paidOut > allocated');
  for (const [key, value] of Object.entries(funds)) if (value < 0) violations.push(`${key} < 0`);
  return violations;
}
