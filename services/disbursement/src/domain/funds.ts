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
 * How a refund is absorbed: what is still unallocated on the gift comes off it and off the account; money
 * already allocated to a disbursement cannot be taken back from the aid it paid for, so that part becomes a
 * shortfall the organization owes back. The full policy (clawback, netting against later gifts) belongs to
 * the donations refund work; until then the shortfall is recorded and reported, never hidden in a negative.
 */
export function splitRefund(remaining: number, amount: number): { applied: number; shortfall: number } {
  const applied = Math.max(0, Math.min(remaining, amount));
  return { applied, shortfall: amount - applied };
}

export function refundDebit(split: { applied: number; shortfall: number }): FundsDelta {
  return { refunded: split.applied, net: -split.applied, available: -split.applied, refundShortfall: split.shortfall };
}

export function reservation(amount: number): FundsDelta {
  return { allocated: amount, available: -amount };
}

/** A cancelled approval gives its reservation back: the exact inverse of `reservation`. */
export function release(amount: number): FundsDelta {
  return { allocated: -amount, available: amount };
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
