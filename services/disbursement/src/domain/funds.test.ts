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
  splitRefund,
  type FundsBalances,
} from './funds.ts';

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
  | { kind: 'approve'; amount: number }
  | { kind: 'payout'; disbursement: number }
  | { kind: 'cancel'; disbursement: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('gift' as const), amount: fc.integer({ min: 1, max: 50_000 }), feePercent: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ kind: fc.constant('refund' as const), gift: fc.nat(), amount: fc.integer({ min: 1, max: 60_000 }) }),
  fc.record({ kind: fc.constant('approve' as const), amount: fc.integer({ min: 1, max: 80_000 }) }),
  fc.record({ kind: fc.constant('payout' as const), disbursement: fc.nat() }),
  fc.record({ kind: fc.constant('cancel' as const), disbursement: fc.nat() }),
);

interface World {
  funds: FundsBalances;
  gifts: { donationId: string; succeededAt: Date; net: number; remaining: number; refundedAmount: number; refundedApplied: number; allocated: number }[];
  disbursements: { amount: number; paid: boolean; cancelled: boolean; slices: { donationId: string; amount: number }[] }[];
}

/** Plays one step the way the service does: guard first, then the delta; a refused guard changes nothing. */
function play(world: World, step: Step, index: number): void {
  switch (step.kind) {
    case 'gift': {
      const fee = Math.floor((step.amount * step.feePercent) / 100);
      world.gifts.push({ donationId: `g${index}`, succeededAt: new Date(index * 1000), net: step.amount - fee, remaining: step.amount - fee, refundedAmount: 0, refundedApplied: 0, allocated: 0 });
      world.funds = applyDelta(world.funds, giftCredit({ amount: step.amount, fee, net: step.amount - fee }));
      return;
    }
    case 'refund': {
      const gift = world.gifts[step.gift % Math.max(1, world.gifts.length)];
      if (!gift) return;
      const amount = Math.min(step.amount, gift.net - gift.refundedAmount);
      if (amount <= 0) return;
      const split = splitRefund(gift.remaining, amount);
      if (!canRefund(world.funds, split.applied)) return;
      gift.remaining -= split.applied;
      gift.refundedAmount += amount;
      gift.refundedApplied += split.applied;
      world.funds = applyDelta(world.funds, refundDebit(split));
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
        gift.allocated += slice.amount;
      }
      world.disbursements.push({ amount: step.amount, paid: false, cancelled: false, slices: plan.slices });
      return;
    }
    case 'payout': {
      const disbursement = world.disbursements[step.disbursement % Math.max(1, world.disbursements.length)];
      if (!disbursement || disbursement.paid || disbursement.cancelled) return;
      expect(canPayOut(world.funds, disbursement.amount)).toBe(true);
      disbursement.paid = true;
      world.funds = applyDelta(world.funds, payout(disbursement.amount));
      return;
    }
    case 'cancel': {
      // Only before payout: the reservation goes back to available and every gift gets its slice back.
      const disbursement = world.disbursements[step.disbursement % Math.max(1, world.disbursements.length)];
      if (!disbursement || disbursement.paid || disbursement.cancelled) return;
      expect(canRelease(world.funds, disbursement.amount)).toBe(true);
      disbursement.cancelled = true;
      world.funds = applyDelta(world.funds, release(disbursement.amount));
      for (const slice of disbursement.slices) {
        const gift = world.gifts.find((entry) => entry.donationId === slice.donationId)!;
        gift.remaining += slice.amount;
        gift.allocated -= slice.amount;
      }
      return;
    }
    default: {
      const unknown: never = step;
      throw new Error(`unknown step ${JSON.stringify(unknown)}`);
    }
  }
}

describe('conservation over random histories', () => {
  it('when gifts, refunds, approvals, payouts and cancellations happen in any order, then money is conserved at every step', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 60 }), (steps) => {
        const world: World = { funds: { ...emptyFunds }, gifts: [], disbursements: [] };
        for (const [index, step] of steps.entries()) {
          play(world, step, index);
          expect(conservationViolations(world.funds)).toEqual([]);
          const unallocated = world.gifts.reduce((sum, gift) => sum + gift.remaining, 0);
          // The gifts always hold at least what the account may still reserve, so FIFO allocation never runs dry.
          expect(unallocated).toBe(world.funds.available);
          for (const gift of world.gifts) {
            expect(gift.remaining).toBeGreaterThanOrEqual(0);
            expect(gift.allocated + gift.remaining + gift.refundedApplied).toBe(gift.net);
          }
          const approved = world.disbursements.reduce((sum, entry) => sum + (entry.cancelled ? 0 : entry.amount), 0);
          expect(approved).toBe(world.funds.allocated);
          expect(world.funds.refunded + world.funds.refundShortfall).toBe(world.gifts.reduce((sum, gift) => sum + gift.refundedAmount, 0));
        }
      }),
      { numRuns: 400 },
    );
  });
});
