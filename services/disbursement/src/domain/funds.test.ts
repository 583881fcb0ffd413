import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAllocation } from './allocation.ts';
import {
  canPayOut,
  canRefund,
  canRelease,
  canReserve,
  conservationViolations,
  emptyFunds,
  giftCredit,
  headroom,
  payout,
  refundDebit,
  release,
  reservation,
  reversalCredit,
  settle,
  splitRefund,
  type FundsBalances,
  type FundsDelta,
} from './funds.ts';
import { giftMovement, giftPosition, refundSplit, reversalSplit, type GiftFacts } from './gift-position.ts';
import { publicTotals } from './public-totals.ts';

const account = (...deltas: FundsDelta[]) => deltas.reduce(settle, { ...emptyFunds });

describe('refund split', () => {
  it.each([
    [1000, 400, 400, 0],
    [1000, 1000, 1000, 0],
    [300, 1000, 300, 700],
    [0, 500, 0, 500],
  ])(
    'when %i is unallocated and %i is refunded, then %i comes off the gift and %i is a shortfall',
    (remaining, amount, applied, shortfall) => {
      expect(splitRefund(remaining, amount)).toEqual({ applied, shortfall });
    },
  );
});

describe('funds account changes', () => {
  it('when a gift is credited, then raised, fees, net and available move together', () => {
    expect(account(giftCredit({ amount: 1000, fee: 59, net: 941 }))).toMatchObject({
      raised: 1000,
      fees: 59,
      net: 941,
      available: 941,
      overAllocated: 0,
    });
  });

  it('when more than is available is reserved, then the guard refuses', () => {
    const funds = account(giftCredit({ amount: 100, fee: 0, net: 100 }));
    expect(canReserve(funds, 100)).toBe(true);
    expect(canReserve(funds, 101)).toBe(false);
  });

  it('when a reservation is released, then it is the exact inverse of reserving, and never below what was paid out', () => {
    const funds = account(giftCredit({ amount: 100, fee: 0, net: 100 }));
    expect(settle(settle(funds, reservation(60)), release(60))).toEqual(funds);
    const paid = account(giftCredit({ amount: 100, fee: 0, net: 100 }), reservation(80), payout(50));
    expect(canRelease(paid, 30)).toBe(true);
    expect(canRelease(paid, 31)).toBe(false);
  });

  it('when a payout would exceed what is allocated, then the guard refuses', () => {
    const funds = account(giftCredit({ amount: 100, fee: 0, net: 100 }), reservation(80), payout(50));
    expect(canPayOut(funds, 30)).toBe(true);
    expect(canPayOut(funds, 31)).toBe(false);
  });

  it('when balances break conservation, then the violation is named', () => {
    expect(conservationViolations({ ...emptyFunds, allocated: 10, available: -10 })).toEqual(
      expect.arrayContaining([
        'allocated > net',
        'available < 0',
        'available != max(0, net - refundShortfall - allocated)',
      ]),
    );
    expect(conservationViolations(emptyFunds)).toEqual([]);
  });
});

describe('what a refund, a lost dispute or a kept fee leaves available', () => {
  // The audit's case: the bank refunds a whole gift (its gross amount, fee included) and another gift's dispute is
  // lost; the fees Stripe kept on both were counted as available, and a disbursement then allocated them.
  it('when an unallocated gift is refunded in full by the bank and another gift’s dispute is lost, then the fees kept are not available', () => {
    const first = { amount: 20_000, fee: 610, net: 19_390 };
    const second = { amount: 15_000, fee: 465, net: 14_535 };
    const third = { amount: 10_000, fee: 378, net: 9_622 };
    const funds = account(
      giftCredit(first),
      giftCredit(second),
      giftCredit(third),
      refundDebit(splitRefund(first.net, first.amount)),
      refundDebit(splitRefund(second.net, second.amount)),
    );
    const totals = publicTotals(funds);
    expect(totals).toMatchObject({
      raised: 45_000,
      fees: 1_453,
      refunded: 35_000,
      net: 8_547,
      refundShortfall: 1_075,
    });
    expect(funds).toMatchObject({ available: 8_547, overAllocated: 0 });
    expect(canReserve(funds, 8_548)).toBe(false);
    expect(canReserve(funds, 8_547)).toBe(true);
    expect(conservationViolations(funds)).toEqual([]);
  });

  it('when refunded money was already allocated and other gifts hold unallocated money, then that money pays the shortfall and is no longer available', () => {
    // Two gifts of 3,000; 2,000 allocated from the first, then the first is refunded in full.
    const funds = account(
      giftCredit({ amount: 3_000, fee: 0, net: 3_000 }),
      giftCredit({ amount: 3_000, fee: 0, net: 3_000 }),
      reservation(2_000),
      refundDebit(splitRefund(1_000, 3_000)),
    );
    expect(funds).toMatchObject({
      refunded: 1_000,
      refundShortfall: 2_000,
      net: 5_000,
      allocated: 2_000,
      available: 1_000,
      overAllocated: 0,
    });
    expect(publicTotals(funds)).toMatchObject({ net: 3_000, allocated: 2_000 });
  });

  it('when nothing unallocated can pay a shortfall, then it is over-allocation, and the next gifts pay it before anything is available', () => {
    const refunded = account(
      giftCredit({ amount: 3_000, fee: 100, net: 2_900 }),
      reservation(2_900),
      refundDebit(splitRefund(0, 3_000)),
    );
    expect(refunded).toMatchObject({ available: 0, overAllocated: 3_000 });
    expect(publicTotals(refunded).allocated - publicTotals(refunded).net).toBe(3_000);
    const partly = settle(refunded, giftCredit({ amount: 2_000, fee: 0, net: 2_000 }));
    expect(partly).toMatchObject({ available: 0, overAllocated: 1_000 });
    const covered = settle(partly, giftCredit({ amount: 1_500, fee: 0, net: 1_500 }));
    expect(covered).toMatchObject({ available: 500, overAllocated: 0 });
    expect(publicTotals(covered).net - publicTotals(covered).allocated).toBe(500);
  });

  it('when an approval is waiting to allocate what it reserved, then a refund that would take that money off the gifts waits', () => {
    const reserved = account(giftCredit({ amount: 1_000, fee: 0, net: 1_000 }), reservation(1_000));
    expect(canRefund(reserved, 1)).toBe(false);
    // Once allocated, the refund takes nothing off the gift: all of it is shortfall, and it goes through.
    expect(canRefund(reserved, 0)).toBe(true);
  });

  it('when the shortfall of a refund is over-allocation, then a refund of another gift’s unallocated money still goes through', () => {
    const funds = account(
      giftCredit({ amount: 1_000, fee: 0, net: 1_000 }),
      giftCredit({ amount: 500, fee: 0, net: 500 }),
      reservation(1_000),
      refundDebit(splitRefund(0, 1_000)),
    );
    expect(funds).toMatchObject({ available: 0, overAllocated: 500 });
    expect(canRefund(funds, 500)).toBe(true);
    expect(settle(funds, refundDebit(splitRefund(500, 500)))).toMatchObject({
      available: 0,
      overAllocated: 1_000,
    });
  });
});

type Step =
  | { kind: 'gift'; amount: number; feePercent: number }
  | { kind: 'refund'; gift: number; share: number }
  | { kind: 'dispute'; gift: number; share: number; outcome: 'won' | 'lost' }
  | { kind: 'reversal'; gift: number; refund: number; early: boolean }
  | { kind: 'approve'; amount: number }
  | { kind: 'payout'; disbursement: number }
  | { kind: 'deliver'; disbursement: number }
  | { kind: 'cancel'; disbursement: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('gift' as const),
    amount: fc.integer({ min: 1, max: 50_000 }),
    feePercent: fc.integer({ min: 0, max: 10 }),
  }),
  // Bank-initiated refunds: any part of the gross amount, often all of it (the fee Stripe keeps included).
  fc.record({
    kind: fc.constant('refund' as const),
    gift: fc.nat(),
    share: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
  }),
  fc.record({
    kind: fc.constant('dispute' as const),
    gift: fc.nat(),
    share: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
    outcome: fc.constantFrom('won' as const, 'lost' as const),
  }),
  fc.record({
    kind: fc.constant('reversal' as const),
    gift: fc.nat(),
    refund: fc.nat(),
    early: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('approve' as const), amount: fc.integer({ min: 1, max: 80_000 }) }),
  fc.record({ kind: fc.constant('payout' as const), disbursement: fc.nat() }),
  fc.record({ kind: fc.constant('deliver' as const), disbursement: fc.nat() }),
  fc.record({ kind: fc.constant('cancel' as const), disbursement: fc.nat() }),
);

interface ModelGift {
  donationId: string;
  amount: number;
  succeededAt: Date;
  remaining: number;
  facts: GiftFacts;
  /** Refunds as the donation service counted them (bank refunds up to the gross amount); a failed one is reversed at most once. */
  refunds: { amount: number; reversed: boolean }[];
  /** Lost disputes: applied like refunds, never reversed. */
  lost: number;
  /** A reversal the consumer saw before its refund: that refund is delivered later by a `refund` step. */
  early: number[];
}

interface World {
  funds: FundsBalances;
  gifts: ModelGift[];
  disbursements: {
    amount: number;
    paid: boolean;
    delivered: boolean;
    cancelled: boolean;
    slices: { donationId: string; amount: number }[];
  }[];
}

const pick = <T>(list: T[], index: number): T | undefined => list[index % Math.max(1, list.length)];

/** The refund (or lost dispute) as the consumer applies it: the gift decides the split, the account follows. */
function takeBack(world: World, gift: ModelGift, amount: number): boolean {
  const after = { ...gift.facts, refunds: gift.facts.refunds + amount };
  const split = refundSplit(giftMovement(gift.facts, after));
  if (!canRefund(world.funds, split.applied)) return false;
  gift.facts = after;
  gift.remaining -= split.applied;
  world.funds = settle(world.funds, refundDebit(split));
  return true;
}

/** Plays one step the way the service does: guard first, then the change; a refused guard changes nothing. */
function play(world: World, step: Step, index: number): void {
  switch (step.kind) {
    case 'gift': {
      const fee = Math.floor((step.amount * step.feePercent) / 100);
      const net = step.amount - fee;
      world.gifts.push({
        donationId: `g${index}`,
        amount: step.amount,
        succeededAt: new Date(index * 1000),
        remaining: net,
        facts: { net, allocated: 0, refunds: 0, reversals: 0 },
        refunds: [],
        lost: 0,
        early: [],
      });
      world.funds = settle(world.funds, giftCredit({ amount: step.amount, fee, net }));
      return;
    }
    case 'refund': {
      const gift = pick(world.gifts, step.gift);
      if (!gift) return;
      // The refund of a reversal already seen comes now, with the amount that reversal named. Otherwise the
      // bank gives back part or all of what the charge still holds: up to the gross amount, so the fee too.
      const early = gift.early[0];
      const counted = gift.refunds
        .filter((refund) => !refund.reversed)
        .reduce((total, refund) => total + refund.amount, 0);
      const amount = early ?? Math.ceil((gift.amount - counted) * step.share);
      if (amount <= 0) return;
      if (!takeBack(world, gift, amount)) return;
      if (early !== undefined) gift.early.shift();
      gift.refunds.push({ amount, reversed: early !== undefined });
      return;
    }
    case 'dispute': {
      // A dispute holds money while the bank decides: nothing moves here until it is lost, then it is a refund
      // of the disputed amount (which the card holder's bank may take even after a refund). A won one moves nothing.
      const gift = pick(world.gifts, step.gift);
      if (!gift || step.outcome === 'won') return;
      const amount = Math.ceil(gift.amount * step.share);
      if (takeBack(world, gift, amount)) gift.lost += amount;
      return;
    }
    case 'reversal': {
      const gift = pick(world.gifts, step.gift);
      if (!gift) return;
      const counted = gift.refunds.filter((refund) => !refund.reversed);
      const refund = pick(counted, step.refund);
      // Either a counted refund fails, or (out of order) the failure of a refund not delivered yet arrives first.
      const amount = step.early || !refund ? Math.min(1 + step.refund, gift.amount) : refund.amount;
      if (step.early || !refund) gift.early.push(amount);
      else refund.reversed = true;
      const after = { ...gift.facts, reversals: gift.facts.reversals + amount };
      const split = reversalSplit(giftMovement(gift.facts, after));
      gift.facts = after;
      gift.remaining += split.restored;
      world.funds = settle(world.funds, reversalCredit(split));
      return;
    }
    case 'approve': {
      if (!canReserve(world.funds, step.amount)) return;
      world.funds = settle(world.funds, reservation(step.amount));
      const plan = planAllocation(world.gifts, step.amount);
      expect(plan.unallocated).toBe(0);
      for (const slice of plan.slices) {
        const gift = world.gifts.find((entry) => entry.donationId === slice.donationId)!;
        expect(slice.amount).toBeLessThanOrEqual(gift.remaining);
        gift.remaining -= slice.amount;
        gift.facts = { ...gift.facts, allocated: gift.facts.allocated + slice.amount };
      }
      world.disbursements.push({
        amount: step.amount,
        paid: false,
        delivered: false,
        cancelled: false,
        slices: plan.slices,
      });
      // An approval never allocates beyond the campaign's net as the public counts it.
      const totals = publicTotals(world.funds);
      expect(totals.allocated).toBeLessThanOrEqual(totals.net);
      return;
    }
    case 'payout': {
      const disbursement = pick(world.disbursements, step.disbursement);
      if (!disbursement || disbursement.paid || disbursement.cancelled) return;
      expect(canPayOut(world.funds, disbursement.amount)).toBe(true);
      disbursement.paid = true;
      world.funds = settle(world.funds, payout(disbursement.amount));
      return;
    }
    case 'deliver': {
      const disbursement = pick(world.disbursements, step.disbursement);
      if (disbursement?.paid) disbursement.delivered = true;
      return;
    }
    case 'cancel': {
      // Only before payout: every gift gets its slice back, first covering its refund shortfall, then the
      // reservation goes back, less what was covered.
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
      world.funds = settle(world.funds, release(disbursement.amount, covered));
      return;
    }
    default: {
      const unknown: never = step;
      throw new Error(`unknown step ${JSON.stringify(unknown)}`);
    }
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** The invariants the public record must show, checked on the account after every step. */
function checkInvariants(world: World): void {
  expect(conservationViolations(world.funds)).toEqual([]);
  const positions = world.gifts.map((gift) => giftPosition(gift.facts));
  for (const [position, gift] of positions.map((entry, at) => [entry, world.gifts[at]!] as const)) {
    expect(gift.remaining).toBe(position.remaining);
    expect(
      Math.min(position.remaining, position.shortfall, position.refunded, gift.facts.allocated),
    ).toBeGreaterThanOrEqual(0);
    expect(gift.facts.allocated + position.remaining - position.shortfall + position.refunded).toBe(
      gift.facts.net,
    );
    // A gift is never allocated beyond its own net.
    expect(gift.facts.allocated).toBeLessThanOrEqual(gift.facts.net);
  }
  const live = world.disbursements.filter((entry) => !entry.cancelled);
  expect(sum(live.map((entry) => entry.amount))).toBe(world.funds.allocated);
  // What the public ledger counts as refunded (refunds and lost disputes minus reversals, once each is in) is the
  // account's refunded plus its shortfall, and its net is raised - fees - that.
  expect(world.funds.refundShortfall).toBe(sum(positions.map((position) => position.shortfall)));
  const totals = publicTotals(world.funds);
  expect(totals.refunded).toBe(sum(positions.map((position) => position.refunded)));
  // Available never holds a shortfall, a lost dispute or a kept fee: it is exactly what the public net leaves
  // after allocations, and allocated exceeds that net only by over-allocation, which is never available.
  expect(world.funds.available).toBe(Math.max(0, totals.net - totals.allocated));
  expect(world.funds.overAllocated).toBe(Math.max(0, totals.allocated - totals.net));
  expect(totals.allocated).toBeGreaterThanOrEqual(0);
  expect(totals.paidOut).toBeLessThanOrEqual(totals.allocated);
  const delivered = sum(live.filter((entry) => entry.delivered).map((entry) => entry.amount));
  expect(delivered).toBeLessThanOrEqual(totals.paidOut);
  // The gifts always hold at least what the account may still reserve, so FIFO allocation never runs dry.
  expect(sum(world.gifts.map((gift) => gift.remaining))).toBeGreaterThanOrEqual(world.funds.available);
}

describe('conservation over random histories', () => {
  it('when gifts, bank refunds of any part of the gross amount, lost and won disputes, reversals (some before their refund), approvals, refunds after allocation, payouts, deliveries and cancellations happen in any order, then money is conserved, nothing is negative and available never holds a shortfall, at every step', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 60 }), (steps) => {
        const world: World = { funds: { ...emptyFunds }, gifts: [], disbursements: [] };
        for (const [index, step] of steps.entries()) {
          play(world, step, index);
          checkInvariants(world);
        }
        // Once every early reversal's refund is in, refunds and lost disputes minus reversals is all that counts.
        const settled = world.gifts.every((gift) => gift.early.length === 0);
        if (settled)
          expect(publicTotals(world.funds).refunded).toBe(
            sum(world.gifts.map((gift) => gift.facts.refunds - gift.facts.reversals)),
          );
      }),
      { numRuns: 500 },
    );
  });

  it('when the same gifts, approvals and then refunds, lost disputes and reversals arrive in any order, then every step keeps the invariants and the account ends the same', () => {
    const takeBacks = fc.array(
      fc.oneof(
        stepArbitrary.filter(
          (step) => step.kind === 'refund' || step.kind === 'dispute' || step.kind === 'reversal',
        ),
      ),
      { maxLength: 12 },
    );
    const setup = fc.array(
      stepArbitrary.filter((step) => step.kind === 'gift' || step.kind === 'approve'),
      { minLength: 1, maxLength: 10 },
    );
    fc.assert(
      fc.property(setup, takeBacks, fc.func(fc.integer()), (first, later, order) => {
        // Reversals here always name a refund of their gift (early or not), so the outcome cannot depend on order
        // through which refund a reversal picks: only the sums of the gift's facts count (gift-position.ts).
        const run = (events: Step[]) => {
          const world: World = { funds: { ...emptyFunds }, gifts: [], disbursements: [] };
          for (const [index, step] of first.entries()) play(world, step, index);
          for (const [index, step] of events.entries()) {
            if (step.kind === 'reversal') play(world, { ...step, early: true }, first.length + index);
            else play(world, step, first.length + index);
            checkInvariants(world);
          }
          return world;
        };
        const asGiven = run(later);
        const shuffled = run([...later].sort((left, right) => order(left) - order(right)));
        // The refund steps that deliver an early reversal's refund depend on order; compare only settled runs.
        const settled = (world: World) => world.gifts.every((gift) => gift.early.length === 0);
        if (
          settled(asGiven) &&
          settled(shuffled) &&
          asGiven.gifts.every((gift, at) => gift.facts.refunds === shuffled.gifts[at]!.facts.refunds)
        ) {
          expect(shuffled.funds).toEqual(asGiven.funds);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('headroom', () => {
  it.each([
    [
      { net: 1_000, refundShortfall: 0, allocated: 400 },
      { available: 600, overAllocated: 0 },
    ],
    [
      { net: 1_000, refundShortfall: 700, allocated: 400 },
      { available: 0, overAllocated: 100 },
    ],
    [
      { net: 1_000, refundShortfall: 600, allocated: 400 },
      { available: 0, overAllocated: 0 },
    ],
  ])('when the balances are %j, then %j', (funds, expected) => {
    expect(headroom(funds)).toEqual(expected);
  });
});
