/**
 * The money of one campaign as the disbursement service holds it. Invariants (DESIGN.md, conservation):
 * net = raised - fees - refunded; allocated <= net; paidOut <= allocated; nothing negative.
 *
 * `refunded` counts the refunded money that came off its gift's unallocated money; `refundShortfall` the refunded
 * money its gift no longer held: money a disbursement had already taken, and the processor's fee, which Stripe
 * keeps when a charge is refunded or a dispute is lost (a full refund gives back the gross amount of a gift that
 * only brought its net). The donor got both back, so the campaign's money, as the public ledger counts it, is
 * `net - refundShortfall`. What may still be reserved is therefore
 *
 *   available     = max(0, net - refundShortfall - allocated)
 *   overAllocated = max(0, allocated - (net - refundShortfall))
 *
 * A shortfall is first paid by the campaign's unallocated money (other gifts' money pays the donor back, as it
 * does at Stripe); only what that cannot cover is over-allocation, which the organization owes back and the
 * public record shows. Neither is ever available, whatever order refunds, disputes, gifts, approvals and
 * cancellations arrive in: both are a function of the other balances, recomputed by every change (`settle`).
 */
export interface FundsBalances {
  raised: number;
  fees: number;
  refunded: number;
  net: number;
  allocated: number;
  paidOut: number;
  available: number;
  overAllocated: number;
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
  overAllocated: 0,
  refundShortfall: 0,
};

/** The balances that follow from the others: see the module comment. */
export function headroom(
  funds: Pick<FundsBalances, 'net' | 'refundShortfall' | 'allocated'>,
): Pick<FundsBalances, 'available' | 'overAllocated'> {
  const free = funds.net - funds.refundShortfall - funds.allocated;
  return { available: Math.max(0, free), overAllocated: Math.max(0, -free) };
}

/** A change of the stored balances, with available and overAllocated following from the result. */
export function settle(funds: FundsBalances, delta: FundsDelta): FundsBalances {
  const moved = applyDelta(funds, delta);
  return { ...moved, ...headroom(moved) };
}

export function giftCredit(gift: { amount: number; fee: number; net: number }): FundsDelta {
  return { raised: gift.amount, fees: gift.fee, net: gift.net };
}

/**
 * How a refund is absorbed when nothing else is pending on the gift: what is still unallocated on it comes off
 * the gift and off the account; the rest (money allocated to a disbursement, or the fee Stripe kept) is a
 * shortfall. The full rule, with releases and reversals, is the gift position (gift-position.ts); this is its
 * simplest case.
 */
export function splitRefund(remaining: number, amount: number): { applied: number; shortfall: number } {
  const applied = Math.max(0, Math.min(remaining, amount));
  return { applied, shortfall: amount - applied };
}

export function refundDebit(split: { applied: number; shortfall: number }): FundsDelta {
  return { refunded: split.applied, net: -split.applied, refundShortfall: split.shortfall };
}

/** A refund that failed gives back exactly what it took: the money that came off, and the shortfall it created. */
export function reversalCredit(split: { restored: number; cleared: number }): FundsDelta {
  return { refunded: -split.restored, net: split.restored, refundShortfall: -split.cleared };
}

export function reservation(amount: number): FundsDelta {
  return { allocated: amount };
}

/**
 * A cancelled approval gives its reservation back. `covered` is what its released slices paid of their gifts'
 * refund shortfalls: that money already went back to donors, so it becomes refunded (leaving net).
 */
export function release(amount: number, covered = 0): FundsDelta {
  return {
    allocated: -amount,
    ...(covered > 0 ? { refunded: covered, net: -covered, refundShortfall: -covered } : {}),
  };
}

export function canRelease(funds: FundsBalances, amount: number): boolean {
  return funds.allocated - amount >= funds.paidOut;
}

export function payout(amount: number): FundsDelta {
  return { paidOut: amount };
}

export function canReserve(funds: FundsBalances, amount: number): boolean {
  return headroom(funds).available >= amount;
}

/**
 * A refund takes `applied` off its gift's unallocated money. The gifts' unallocated money is `net - allocated`
 * (allocated counting reservations whose slices are not taken yet), so a refund that would take it below zero
 * can only meet an approval that reserved money and has not allocated it yet: it waits for that approval.
 */
export function canRefund(funds: FundsBalances, applied: number): boolean {
  return funds.net - funds.allocated >= applied;
}

export function canPayOut(funds: FundsBalances, amount: number): boolean {
  return funds.paidOut + amount <= funds.allocated;
}

export function applyDelta(funds: FundsBalances, delta: FundsDelta): FundsBalances {
  const next = { ...funds };
  for (const [key, value] of Object.entries(delta) as [keyof FundsBalances, number][]) next[key] += value;
  return next;
}

/**
 * The broken rules, if any: empty when the balances conserve money. Over-allocation is not among them: it is
 * what refunds of allocated money leave when nothing else can cover them, shown, not a bookkeeping error.
 */
export function conservationViolations(funds: FundsBalances): string[] {
  const violations: string[] = [];
  if (funds.net !== funds.raised - funds.fees - funds.refunded)
    violations.push('net != raised - fees - refunded');
  const expected = headroom(funds);
  if (funds.available !== expected.available)
    violations.push('available != max(0, net - refundShortfall - allocated)');
  if (funds.overAllocated !== expected.overAllocated)
    violations.push('overAllocated != max(0, allocated - net + refundShortfall)');
  if (funds.allocated > funds.net) violations.push('allocated > net');
  if (funds.paidOut > funds.allocated) violations.push('paidOut > allocated');
  for (const [key, value] of Object.entries(funds)) if (value < 0) violations.push(`${key} < 0`);
  return violations;
}
