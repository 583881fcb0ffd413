import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAllocation } from './allocation.ts';
import {
  applyDelta,
  canPayOut,
  canRefund,
  canReserve,
  conservationViolations,
  emptyFunds,
  giftCredit,
  canRelease,
  payout,
  refundDebit,
  release,
  reservation,
  reversalCredit,
  splitRefund,
  type FundsBalances,
} from './funds.ts';
import { giftMovement, giftPosition, refundSplit, reversalSplit, type GiftFacts } from './gift-position.ts';

describe('refund split', () => {
  it.each([
    [1000, 400, 400, 0],
    [1000, 1000, 1000, 0],
    [300, 1000, 300, 700],
    [0, 500, 0, 500],
  ])('when %i is unallocated and %i is refunded, then %i comes off the gift and %i is a shortfall', (remaining, amount, applied, shortfall) => {
    expect(splitRefund(remaining, amount)).toEqual({ applied, shortfall });
  });
});

describe('funds account deltas', () => {
  it('when a gift is credited, then raised, fees, net and available move together', () => {
    expect(applyDelta(emptyFunds, giftCredit({ amount: 1000, fee: 59, net: 941 }))).toMatchObject({ raised: 1000, fees: 59, net: 941, available: 941 });
  });

  it('when more than is available is reserved, then the guard refuses', () => {
    const funds: FundsBalances = { ...emptyFunds, raised: 100, net: 100, available: 100 };
    expect(canReserve(funds, 100)).toBe(true);
    expect(canReserve(funds, 101)).toBe(false);
  });

  it('when a reservation is released, then it is the exact inverse of reserving, and never below what was paid out', () => {
    const funds: FundsBalances = { ...emptyFunds, raised: 100, net: 100, available: 100 };
    expect(applyDelta(applyDelta(funds, reservation(60)), release(60))).toEqual(funds);
    const paid: FundsBalances = { ...funds, allocated: 80, available: 20, paidOut: 50 };
    expect(canRelease(paid, 30)).toBe(true);
    expect(canRelease(paid, 31)).toBe(false);
  });

  it('when a payout would exceed what is allocated, then the guard refuses', () => {
    const funds: FundsBalances = { ...emptyFunds, raised: 100, net: 100, allocated: 80, available: 20, paidOut: 50 };
    expect(canPayOut(funds, 30)).toBe(true);
    expect(canPayOut(funds, 31)).toBe(false);
  });

  it('when balances break conservation, then the violation is named', () => {
    expect(conservationViolations({ ...emptyFunds, allocated: 10, available: -10 })).toEqual(
      expect.arrayContaining(['allocated > net', 'available < 0']),
    );
    expect(conservationViolations(emptyFunds)).toEqual([]);
  });
});

type Step =
  | { kind: 'gift'; amount: number; feePercent: number }
  | { kind: 'refund'; gift: number; amount: number }
  | { kind: 'reversal'; gift: number; refund: number; early: boolean }
  | { kind: 'approve'; amount: number }
  | { kind: 'payout'; disbursement: number }
  | { kind: 'cancel'; disbursement: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('gift' as const), amount: fc.integer({ min: 1, max: 50_000 }), feePercent: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ kind: fc.constant('refund' as const), gift: fc.nat(), amount: fc.integer({ min: 1, max: 60_000 }) }),
  fc.record({ kind: fc.constant('reversal' as const), gift: fc.nat(), refund: fc.nat(), early: fc.boolean() }),
  fc.record({ kind: fc.constant('approve' as const), amount: fc.integer({ min: 1, max: 80_000 }) }),
  fc.record({ kind: fc.constant('payout' as const), disbursement: fc.nat() }),
  fc.record({ kind: fc.constant('cancel' as const), disbursement: fc.nat() }),
);

interface ModelGift {
  donationId: string;
  succeededAt: Date;
  remaining: number;
  facts: GiftFacts;
  /** Refunds as the donation service counted them; a failed one is reversed at most once. */
  refunds: { amount: number; reversed: boolean }[];
  /** A reversal the consumer saw before its refund: that refund is delivered later by a `refund` step. */
  early: number[];
}

interface World {
  funds: FundsBalances;
  gifts: ModelGift[];
  disbursements: { amount: number; paid: boolean; cancelled: boolean; slices: { donationId: string; amount: number }[] }[];
}

const pick = <T>(list: T[], index: number): T | undefined => list[index % Math.max(1, list.length)];

/** Plays one step the way the service does: guard first, then the delta; a refused guard changes nothing. */
function play(world: World, step: Step, index: number): void {
  switch (step.kind) {
    case 'gift': {
      const fee = Math.floor((step.amount * step.feePercent) / 100);
      const net = step.amount - fee;
      world.gifts.push({ donationId: `g${index}`, succeededAt: new Date(index * 1000), remaining: net, facts: { net, allocated: 0, refunds: 0, reversals: 0 }, refunds: [], early: [] });
      world.funds = applyDelta(world.funds, giftCredit({ amount: step.amount, fee, net }));
      return;
    }
    case 'refund': {
      const gift = pick(world.gifts, step.gift);
      if (!gift) return;
      // The refund of a reversal already seen comes now, with the amount that reversal named.
      const early = gift.early[0];
      const amount = early ?? Math.min(step.amount, gift.facts.net - giftPosition(gift.facts).refunded);
      if (amount <= 0) return;
      const after = { ...gift.facts, refunds: gift.facts.refunds + amount };
      const split = refundSplit(giftMovement(gift.facts, after));
      if (!canRefund(world.funds, split.applied)) return;
      if (early !== undefined) gift.early.shift();
      gift.refunds.push({ amount, reversed: early !== undefined });
      gift.facts = after;
      gift.remaining -= split.applied;
      world.funds = applyDelta(world.funds, refundDebit(split));
      return;
    }
    case 'reversal': {
      const gift = pick(world.gifts, step.gift);
      if (!gift) return;
      const counted = gift.refunds.filter((refund) => !refund.reversed);
      const refund = pick(counted, step.refund);
      // Either a counted refund fails, or (out of order) the failure of a refund not delivered yet arrives first.
      const amount = step.early || !refund ? Math.min(1 + step.refund, gift.facts.net) : refund.amount;
      if (step.early || !refund) gift.early.push(amount);
      else refund.reversed = true;
      const after = { ...gift.facts, reversals: gift.facts.reversals + amount };
      const split = reversalSplit(giftMovement(gift.facts, after));
      gift.facts = after;
      gift.remaining += split.restored;
      world.funds = applyDelta(world.funds, reversalCredit(split));
      return;
    }
    case 'approve': {
      if (!canReserve(world.funds, step.amount)) return;
      world.funds = applyDelta(world.funds, reservation(step.amount));
      const plan = planAllocation(world.gifts, step.amount);
      expect(plan.unallocated).toBe(0);
      for (const slice of plan.slices) {
        const gift = world.gifts.find((entry) => entry.donationId === slice.donationId)!;
        gift.remaining -= slice.amount;
        gift.facts = { ...gift.facts, allocated: gift.facts.allocated + slice.amount };
      }
      world.disbursements.push({ amount: step.amount, paid: false, cancelled: false, slices: plan.slices });
      return;
    }
    case 'payout': {
      const disbursement = pick(world.disbursements, step.disbursement);
      if (!disbursement || disbursement.paid || disbursement.cancelled) return;
      expect(canPayOut(world.funds, disbursement.amount)).toBe(true);
      disbursement.paid = true;
      world.funds = applyDelta(world.funds, payout(disbursement.amount));
      return;
    }
    case 'cancel': {
      // Only before payout: every gift gets its slice back, first covering its refund shortfall, then the
      // reservation goes back to available less what was covered.
      const disbursement = pick(world.disbursements, step.disbursement);
      if (!disbursement || disbursement.paid || disbursement.cancelled) return;
      expect(canRelease(world.funds, disbursement.amount)).toBe(true);
      disbursement.cancelled = true;
      let covered = 0;
      for (const slice of disbursement.slices) {
        const gift = world.gifts.find((entry) => entry.donationId === slice.donationId)!;
        const after = { ...gift.facts, allocated: gift.facts.allocated - slice.amount };
        const movement = giftMovement(gift.facts, after);
        gift.facts = after;
        gift.remaining += movement.remaining;
        covered -= movement.shortfall;
      }
      world.funds = applyDelta(world.funds, release(disbursement.amount, covered));
      return;
    }
    default: {
      const unknown: never = step;
      throw new Error(`unknown step ${JSON.stringify(unknown)}`);
    }
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe('conservation over random histories', () => {
  it('when gifts, refunds, reversals (some before their refund), approvals, payouts and cancellations happen in any order, then money is conserved and nothing is negative at every step', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 60 }), (steps) => {
        const world: World = { funds: { ...emptyFunds }, gifts: [], disbursements: [] };
        for (const [index, step] of steps.entries()) {
          play(world, step, index);
          expect(conservationViolations(world.funds)).toEqual([]);
          // The gifts always hold exactly what the account may still reserve, so FIFO allocation never runs dry.
          expect(sum(world.gifts.map((gift) => gift.remaining))).toBe(world.funds.available);
          const positions = world.gifts.map((gift) => giftPosition(gift.facts));
          for (const [position, gift] of positions.map((entry, at) => [entry, world.gifts[at]!] as const)) {
            expect(gift.remaining).toBe(position.remaining);
            expect(Math.min(position.remaining, position.shortfall, position.refunded, gift.facts.allocated)).toBeGreaterThanOrEqual(0);
            expect(gift.facts.allocated + position.remaining - position.shortfall + position.refunded).toBe(gift.facts.net);
          }
          const approved = sum(world.disbursements.map((entry) => (entry.cancelled ? 0 : entry.amount)));
          expect(approved).toBe(world.funds.allocated);
          // What the public ledger counts as refunded (refunds minus reversals, once each is in) is the account's
          // refunded plus what the organization owes back.
          expect(world.funds.refundShortfall).toBe(sum(positions.map((position) => position.shortfall)));
          expect(world.funds.refunded + world.funds.refundShortfall).toBe(sum(positions.map((position) => position.refunded)));
        }
        // Once every early reversal's refund is in, refunds minus reversals is all that counts.
        const settled = world.gifts.every((gift) => gift.early.length === 0);
        if (settled) expect(world.funds.refunded + world.funds.refundShortfall).toBe(sum(world.gifts.map((gift) => gift.facts.refunds - gift.facts.reversals)));
      }),
      { numRuns: 500 },
    );
  });
});
