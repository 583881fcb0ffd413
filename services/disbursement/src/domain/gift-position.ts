import type { FundsDelta } from './funds.ts';

/**
 * Refund policy, per gift. A gift's money is its net; disbursements take slices of it (allocated), refunds give
 * some of it back to the donor, and a refund that fails at the bank (`donation.refund-reversed`) brings that
 * money back. Which of these facts arrived first must not matter, so the gift's position is a function of their
 * sums only:
 *
 *   refunded  = max(0, refunds - reversals)   the donor's money actually gone
 *   left      = net - allocated - refunded
 *   remaining = max(0, left)                  unallocated money still on the gift (what FIFO allocation spends)
 *   shortfall = max(0, -left)                 refunded money that a disbursement still counts on: the
 *                                             organization owes it back (never hidden in a negative balance)
 *
 * Consequences, each a difference of two positions:
 * - a refund takes what is unallocated on the gift and records the rest as shortfall (nothing is clawed back
 *   from aid already allocated);
 * - a released slice of a cancelled disbursement first covers the gift's shortfall: that money was already given
 *   back to the donor and is no longer owed to the disbursement, so it becomes refunded (and leaves net) instead
 *   of becoming available twice; only the rest is unallocated again;
 * - a reversal undoes exactly what its refund did: it clears shortfall first (the part that never came off the
 *   account), then gives the rest back as unallocated money;
 * - a reversal reported before its refund is held (reversals above refunds count as nothing) until the refund
 *   comes, which then moves nothing: refunded never goes below zero and a gift never holds more than its net.
 *
 * Conservation: for every gift allocated + remaining - shortfall + refunded = net, with every term >= 0; the
 * account sums its gifts, so account.refunded + account.refundShortfall = the refunds the public ledger counts
 * and net = raised - fees - account.refunded still holds. A shortfall is also the fee part of a refund: a gift
 * brought its net, but a refund or lost dispute takes back its gross amount. The account makes no shortfall
 * available: it may reserve the gifts' remaining less every shortfall (funds.ts, `headroom`).
 */
export interface GiftFacts {
  net: number;
  /** Slices of live disbursements: allocations minus releases. */
  allocated: number;
  refunds: number;
  reversals: number;
}

export interface GiftPosition {
  remaining: number;
  shortfall: number;
  refunded: number;
}

export function giftPosition(facts: GiftFacts): GiftPosition {
  const refunded = Math.max(0, facts.refunds - facts.reversals);
  const left = facts.net - facts.allocated - refunded;
  return { remaining: Math.max(0, left), shortfall: Math.max(0, -left), refunded };
}

/** How a gift's position moves when one fact is added. */
export interface GiftMovement {
  remaining: number;
  shortfall: number;
  refunded: number;
}

export function giftMovement(before: GiftFacts, after: GiftFacts): GiftMovement {
  const from = giftPosition(before);
  const to = giftPosition(after);
  return {
    remaining: to.remaining - from.remaining,
    shortfall: to.shortfall - from.shortfall,
    refunded: to.refunded - from.refunded,
  };
}

/**
 * What a gift's movement does to the campaign's account, allocations aside (those move through reservations):
 * the account's `refunded` counts only money that came off the gift's unallocated money (the rest is shortfall),
 * so net = raised - fees - refunded keeps holding; available follows from the result (funds.ts, `settle`).
 */
export function accountMovement(movement: GiftMovement): FundsDelta {
  const leftAccount = movement.refunded - movement.shortfall;
  return { refunded: leftAccount, net: -leftAccount, refundShortfall: movement.shortfall };
}

/** A refund's effect as the gift records it (the existing record shape): taken off the gift, and shortfall. */
export function refundSplit(movement: GiftMovement): { applied: number; shortfall: number } {
  return { applied: -movement.remaining, shortfall: movement.shortfall };
}

/** A reversal's effect as the gift records it: money back on the gift, and shortfall it cleared. */
export function reversalSplit(movement: GiftMovement): { restored: number; cleared: number } {
  return { restored: movement.remaining, cleared: -movement.shortfall };
}
