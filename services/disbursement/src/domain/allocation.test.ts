import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fifoOrder, planAllocation, type AllocatableGift } from './allocation.ts';

const gift = (donationId: string, minute: number, remaining: number): AllocatableGift => ({
  donationId,
  succeededAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
  remaining,
});

describe('FIFO allocation plan', () => {
  it('when the amount spans several gifts, then the oldest are used first and the last one is split', () => {
    const plan = planAllocation([gift('c', 3, 500), gift('a', 1, 300), gift('b', 2, 400)], 1000);
    expect(plan).toEqual({
      slices: [
        { donationId: 'a', amount: 300 },
        { donationId: 'b', amount: 400 },
        { donationId: 'c', amount: 300 },
      ],
      unallocated: 0,
    });
  });

  it('when two gifts arrived at the same instant, then the smaller id goes first', () => {
    expect(planAllocation([gift('y', 1, 100), gift('x', 1, 100)], 150).slices).toEqual([
      { donationId: 'x', amount: 100 },
      { donationId: 'y', amount: 50 },
    ]);
  });

  it('when a gift is already fully allocated, then it is skipped', () => {
    expect(planAllocation([gift('a', 1, 0), gift('b', 2, 100)], 60).slices).toEqual([
      { donationId: 'b', amount: 60 },
    ]);
  });

  it('when the gifts cannot cover the amount, then the uncovered part is reported', () => {
    expect(planAllocation([gift('a', 1, 100)], 250)).toEqual({
      slices: [{ donationId: 'a', amount: 100 }],
      unallocated: 150,
    });
  });

  it('when the amount is zero, then nothing is allocated', () => {
    expect(planAllocation([gift('a', 1, 100)], 0)).toEqual({ slices: [], unallocated: 0 });
  });

  const giftsArbitrary = fc.uniqueArray(
    fc.record({
      donationId: fc.string({ minLength: 1, maxLength: 6 }),
      succeededAt: fc.date({ min: new Date('2025-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }),
      remaining: fc.nat({ max: 100_000 }),
    }),
    { selector: (entry) => entry.donationId, maxLength: 30 },
  );

  it('when planned for any gifts and amount, then no slice exceeds its gift, slices sum to the amount covered, and order is FIFO', () => {
    fc.assert(
      fc.property(giftsArbitrary, fc.nat({ max: 2_000_000 }), (gifts, amount) => {
        const { slices, unallocated } = planAllocation(gifts, amount);
        const byId = new Map(gifts.map((entry) => [entry.donationId, entry]));
        const total = gifts.reduce((sum, entry) => sum + entry.remaining, 0);
        expect(slices.reduce((sum, slice) => sum + slice.amount, 0) + unallocated).toBe(amount);
        expect(unallocated).toBe(Math.max(0, amount - total));
        for (const slice of slices) {
          expect(slice.amount).toBeGreaterThan(0);
          expect(slice.amount).toBeLessThanOrEqual(byId.get(slice.donationId)?.remaining ?? -1);
        }
        expect(new Set(slices.map((slice) => slice.donationId)).size).toBe(slices.length);
        const used = slices.map((slice) => byId.get(slice.donationId)!);
        for (let index = 1; index < used.length; index += 1)
          expect(fifoOrder(used[index - 1]!, used[index]!)).toBeLessThan(0);
        // FIFO: every gift except the last used is drained, and no older gift with money left was passed over.
        for (const [index, slice] of slices.entries())
          if (index < slices.length - 1) expect(slice.amount).toBe(byId.get(slice.donationId)?.remaining);
        const last = used.at(-1);
        if (last) {
          const skipped = gifts.filter(
            (entry) =>
              entry.remaining > 0 &&
              fifoOrder(entry, last) < 0 &&
              !slices.some((slice) => slice.donationId === entry.donationId),
          );
          expect(skipped).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
