import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  emptyFunds,
  giftCredit,
  payout,
  refundDebit,
  release,
  reservation,
  reversalCredit,
  settle,
  splitRefund,
  type FundsDelta,
} from './funds.ts';
import { accountMovement, giftMovement, giftPosition } from './gift-position.ts';
import { publicTotals } from './public-totals.ts';

const account = (...deltas: FundsDelta[]) => deltas.reduce(settle, { ...emptyFunds });

describe('public totals', () => {
  it('when nothing was refunded, then they are the account’s own figures with no shortfall', () => {
    const funds = account(
      giftCredit({ amount: 5_000, fee: 150, net: 4_850 }),
      reservation(3_000),
      payout(1_000),
    );
    expect(publicTotals(funds)).toEqual({
      raised: 5_000,
      fees: 150,
      refunded: 0,
      net: 4_850,
      allocated: 3_000,
      paidOut: 1_000,
      refundShortfall: 0,
    });
  });

  it('when a refund takes allocated money, then refunded counts all of it, net drops by all of it and the shortfall shows beside', () => {
    // Two gifts of 3,000; 2,000 allocated from the first, then the first is refunded in full.
    const funds = account(
      giftCredit({ amount: 3_000, fee: 0, net: 3_000 }),
      giftCredit({ amount: 3_000, fee: 0, net: 3_000 }),
      reservation(2_000),
      refundDebit(splitRefund(1_000, 3_000)),
    );
    expect(funds).toMatchObject({ refunded: 1_000, refundShortfall: 2_000, net: 5_000 });
    expect(publicTotals(funds)).toEqual({
      raised: 6_000,
      fees: 0,
      refunded: 3_000,
      net: 3_000,
      allocated: 2_000,
      paidOut: 0,
      refundShortfall: 2_000,
    });
  });

  it('when the refund that made a shortfall fails, then refunded and net are back to where they were', () => {
    const refunded = account(
      giftCredit({ amount: 3_000, fee: 0, net: 3_000 }),
      reservation(2_000),
      refundDebit(splitRefund(1_000, 3_000)),
    );
    const reversed = settle(refunded, reversalCredit({ restored: 1_000, cleared: 2_000 }));
    expect(publicTotals(reversed)).toEqual({
      raised: 3_000,
      fees: 0,
      refunded: 0,
      net: 3_000,
      allocated: 2_000,
      paidOut: 0,
      refundShortfall: 0,
    });
  });

  it('when the disbursement holding the refunded money is cancelled, then the figures stay put: the shortfall becomes refunded', () => {
    const refunded = account(
      giftCredit({ amount: 3_000, fee: 0, net: 3_000 }),
      reservation(2_000),
      refundDebit(splitRefund(1_000, 3_000)),
    );
    const cancelled = settle(refunded, release(2_000, 2_000));
    expect(publicTotals(cancelled)).toEqual({ ...publicTotals(refunded), allocated: 0, refundShortfall: 0 });
  });

  it('when one gift is allocated, refunded and its refunds fail in any amounts, then refunded is refunds minus failures and net is raised - fees - refunded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (amount, feeCap, allocatedShare, refundShare, failedShare) => {
          const fee = Math.min(feeCap, amount - 1);
          const net = amount - fee;
          const allocated = Math.floor(net * allocatedShare);
          const refunds = Math.floor(net * refundShare);
          const reversals = Math.floor(refunds * failedShare);
          const before = { net, allocated, refunds: 0, reversals: 0 };
          const after = { ...before, refunds, reversals };
          const funds = account(
            giftCredit({ amount, fee, net }),
            reservation(allocated),
            accountMovement(giftMovement(before, after)),
          );
          const totals = publicTotals(funds);
          expect(totals.refunded).toBe(refunds - reversals);
          expect(totals.net).toBe(amount - fee - (refunds - reversals));
          expect(totals.refundShortfall).toBe(giftPosition(after).shortfall);
          expect(totals.allocated - totals.net).toBeLessThanOrEqual(totals.refundShortfall);
          // Allocated exceeds the public net by exactly what nothing could cover, and that is never available.
          expect(Math.max(0, totals.allocated - totals.net)).toBe(funds.overAllocated);
          expect(funds.available).toBe(Math.max(0, totals.net - totals.allocated));
        },
      ),
      { numRuns: 300 },
    );
  });
});
