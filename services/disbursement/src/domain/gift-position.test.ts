import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyFunds,
  giftCredit,
  release,
  reversalCredit,
  refundDebit,
  reservation,
  settle,
} from './funds.ts';
import {
  accountMovement,
  giftMovement,
  giftPosition,
  refundSplit,
  reversalSplit,
  type GiftFacts,
} from './gift-position.ts';

const gift = (overrides: Partial<GiftFacts> = {}): GiftFacts => ({
  net: 1_000,
  allocated: 0,
  refunds: 0,
  reversals: 0,
  ...overrides,
});

describe('gift position', () => {
  it.each([
    ['nothing happened', gift(), { remaining: 1_000, shortfall: 0, refunded: 0 }],
    [
      'part is allocated and part refunded',
      gift({ allocated: 600, refunds: 300 }),
      { remaining: 100, shortfall: 0, refunded: 300 },
    ],
    [
      'a refund exceeds what is unallocated',
      gift({ allocated: 600, refunds: 1_000 }),
      { remaining: 0, shortfall: 600, refunded: 1_000 },
    ],
    [
      'the refund failed',
      gift({ allocated: 600, refunds: 1_000, reversals: 1_000 }),
      { remaining: 400, shortfall: 0, refunded: 0 },
    ],
    [
      'a reversal is ahead of its refund',
      gift({ allocated: 600, reversals: 700 }),
      { remaining: 400, shortfall: 0, refunded: 0 },
    ],
    [
      'the allocation was released',
      gift({ refunds: 1_000 }),
      { remaining: 0, shortfall: 0, refunded: 1_000 },
    ],
  ])('when %s, then the gift holds %j', (_name, facts, position) => {
    expect(giftPosition(facts)).toEqual(position);
  });

  it('when a refund exceeds the unallocated money, then the unallocated part comes off and the rest is shortfall, as splitRefund says', () => {
    const before = gift({ allocated: 600 });
    expect(refundSplit(giftMovement(before, { ...before, refunds: 1_000 }))).toEqual({
      applied: 400,
      shortfall: 600,
    });
  });

  it('when two refunds were counted and the first fails, then the reversal clears shortfall before giving money back', () => {
    // 300 came off the gift, then 500 of which 100 came off and 400 became shortfall; 300 failing leaves 100 owed.
    const before = gift({ allocated: 600, refunds: 800 });
    expect(giftPosition(before)).toEqual({ remaining: 0, shortfall: 400, refunded: 800 });
    expect(reversalSplit(giftMovement(before, { ...before, reversals: 300 }))).toEqual({
      restored: 0,
      cleared: 300,
    });
    expect(giftPosition({ ...before, reversals: 300 })).toEqual({
      remaining: 0,
      shortfall: 100,
      refunded: 500,
    });
  });

  it('when a slice of a gift with a shortfall is released, then it covers the shortfall first and only the rest is unallocated again', () => {
    const before = gift({ allocated: 600, refunds: 1_000 });
    const movement = giftMovement(before, { ...before, allocated: 0 });
    expect(movement).toEqual({ remaining: 0, shortfall: -600, refunded: 0 });
    const partly = gift({ allocated: 600, refunds: 700 });
    expect(giftMovement(partly, { ...partly, allocated: 0 })).toEqual({
      remaining: 300,
      shortfall: -300,
      refunded: 0,
    });
  });

  it('when the refund arrives after its reversal, then it moves nothing', () => {
    const held = gift({ allocated: 600, reversals: 700 });
    expect(giftMovement(held, { ...held, refunds: 700 })).toEqual({
      remaining: 0,
      shortfall: 0,
      refunded: 0,
    });
  });

  it('when account deltas come from gift movements, then refund debit, reversal credit and covering release agree with them', () => {
    const before = gift({ allocated: 600 });
    const refund = giftMovement(before, { ...before, refunds: 1_000 });
    expect(accountMovement(refund)).toEqual(refundDebit(refundSplit(refund)));
    const reversal = giftMovement(
      { ...before, refunds: 1_000 },
      { ...before, refunds: 1_000, reversals: 1_000 },
    );
    expect(accountMovement(reversal)).toEqual(reversalCredit(reversalSplit(reversal)));
    const released = giftMovement({ ...before, refunds: 1_000 }, { ...before, refunds: 1_000, allocated: 0 });
    // A released slice's movement on the account is the release of that slice, less what it covered.
    expect(release(600, -released.shortfall)).toEqual({ ...accountMovement(released), allocated: -600 });
  });

  it('when gift, approval, refund, cancellation and reversal happen, then the account conserves money and ends where it began', () => {
    let funds = settle(emptyFunds, giftCredit({ amount: 1_000, fee: 0, net: 1_000 }));
    funds = settle(funds, reservation(600));
    funds = settle(funds, refundDebit({ applied: 400, shortfall: 600 }));
    // The donor got all 1,000 back while 600 of it pays for aid: nothing else can cover that, so it is over-allocated.
    expect(funds).toMatchObject({
      net: 600,
      refunded: 400,
      refundShortfall: 600,
      allocated: 600,
      available: 0,
      overAllocated: 600,
    });
    funds = settle(funds, release(600, 600));
    expect(funds).toMatchObject({
      net: 0,
      refunded: 1_000,
      refundShortfall: 0,
      allocated: 0,
      available: 0,
      overAllocated: 0,
    });
    // The refund then fails: after the release covered its shortfall, all of it comes back as available money.
    const after = gift({ refunds: 1_000 });
    funds = settle(funds, reversalCredit(reversalSplit(giftMovement(after, { ...after, reversals: 1_000 }))));
    expect(funds).toMatchObject({
      net: 1_000,
      refunded: 0,
      refundShortfall: 0,
      allocated: 0,
      available: 1_000,
    });
  });
});

type Fact = { kind: 'refund' | 'reversal' | 'allocate' | 'release'; amount: number };

describe('gift position over any order of facts', () => {
  it('when the same refunds, reversals, allocations and releases arrive in any order, then the gift ends in the same position and the account moved by the same total', () => {
    const factArbitrary: fc.Arbitrary<Fact> = fc.record({
      kind: fc.constantFrom('refund' as const, 'reversal' as const, 'allocate' as const, 'release' as const),
      amount: fc.integer({ min: 1, max: 500 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000 }),
        fc.array(factArbitrary, { maxLength: 12 }),
        fc.func(fc.integer()),
        (net, facts, order) => {
          const play = (list: Fact[]) => {
            let state = gift({ net });
            let account = { refunded: 0, net: 0, refundShortfall: 0 };
            for (const fact of list) {
              const next =
                fact.kind === 'refund'
                  ? { ...state, refunds: state.refunds + fact.amount }
                  : fact.kind === 'reversal'
                    ? { ...state, reversals: state.reversals + fact.amount }
                    : {
                        ...state,
                        allocated: state.allocated + (fact.kind === 'allocate' ? fact.amount : -fact.amount),
                      };
              const moved = accountMovement(giftMovement(state, next));
              account = {
                refunded: account.refunded + moved.refunded!,
                net: account.net + moved.net!,
                refundShortfall: account.refundShortfall + moved.refundShortfall!,
              };
              state = next;
              const position = giftPosition(state);
              expect(
                Math.min(position.remaining, position.shortfall, position.refunded),
              ).toBeGreaterThanOrEqual(0);
              expect(state.allocated + position.remaining - position.shortfall + position.refunded).toBe(net);
            }
            return { position: giftPosition(state), account };
          };
          const shuffled = [...facts].sort((left, right) => order(left) - order(right));
          expect(play(shuffled)).toEqual(play(facts));
        },
      ),
      { numRuns: 300 },
    );
  });
});
