import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { donationBuilder } from '../test-support/donation-builder.ts';
import type { RefundRecord } from './donation.ts';
import {
  decideChargeRefunded,
  decideDispute,
  decideRefundFailed,
  decideRefundRequest,
  unallocatedNet,
} from './gift-money.ts';

const at = new Date('2026-03-02T10:00:00Z');
const pending = (refundId: string, amount: number): RefundRecord => ({
  refundId,
  amount,
  status: 'pending',
  reason: null,
  requestedBy: 'm1',
  at,
});

function refusal(run: () => unknown): { code: string; field: string | undefined } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    const { code, field } = error as { code: string; field: string | undefined };
    return { code, field };
  }
}

describe('refund policy', () => {
  it('when nothing is allocated, then the whole net can be refunded, and without an amount the refund is the refundable rest', () => {
    const gift = donationBuilder({ fee: 0, net: 2500 });
    expect(decideRefundRequest(gift, 1000)).toBe(1000);
    expect(decideRefundRequest(gift, undefined)).toBe(2500);
  });

  it('when the amount is said to be in another currency than the gift was paid in, then it is refused, not converted', () => {
    const gift = donationBuilder({ fee: 0, net: 2500 });
    expect(decideRefundRequest(gift, 1000, gift.currency)).toBe(1000);
    expect(() => decideRefundRequest(gift, 1000, gift.currency === 'EUR' ? 'USD' : 'EUR')).toThrow(
      /not taken|paid in/,
    );
  });

  it.each([
    {
      when: 'the refund is more than the unallocated net',
      gift: donationBuilder({ allocated: 2000 }),
      amount: 500,
      code: 'refund-above-unallocated',
      field: 'amount',
    },
    {
      when: 'a full refund would give back the fee Stripe kept',
      gift: donationBuilder(),
      amount: undefined,
      code: 'refund-above-unallocated',
      field: 'amount',
    },
    {
      when: 'pending refunds already claim the rest',
      gift: donationBuilder({ fee: 0, net: 2500, refunds: [pending('re_1', 2000)] }),
      amount: 600,
      code: 'refund-above-remaining',
      field: 'amount',
    },
    {
      when: 'an open dispute holds the money',
      gift: donationBuilder({
        fee: 0,
        net: 2500,
        disputes: [{ disputeId: 'dp_1', amount: 2500, status: 'open', openedAt: at, closedAt: null }],
      }),
      amount: 1,
      code: 'refund-above-remaining',
      field: 'amount',
    },
    {
      when: 'the gift is still pending',
      gift: donationBuilder({ status: 'pending', fee: null, net: null }),
      amount: 100,
      code: 'donation-not-refundable',
      field: 'id',
    },
    {
      when: 'the gift is fully refunded',
      gift: donationBuilder({ status: 'refunded', refunded: 2500 }),
      amount: 100,
      code: 'donation-not-refundable',
      field: 'id',
    },
  ])('when $when, then it is refused with $code', ({ gift, amount, code, field }) => {
    expect(refusal(() => decideRefundRequest(gift, amount))).toEqual({ code, field });
  });

  it('when a EUR gift settled in USD, then the request is in EUR and its USD share must fit the unallocated net', () => {
    // 25.00 EUR settled as 27.05 USD, fee 1.32 USD: net 25.73 USD, of which 20.00 USD are allocated.
    const gift = donationBuilder({
      currency: 'EUR',
      settlementCurrency: 'USD',
      amount: 2500,
      settledAmount: 2705,
      fee: 132,
      net: 2573,
      exchangeRate: '1.0821',
      allocated: 2000,
    });
    expect(unallocatedNet(gift)).toBe(573);
    // 529 EUR cents are 573 USD cents of this gift (rounded up); 530 would be 574.
    expect(decideRefundRequest(gift, 529)).toBe(529);
    expect(refusal(() => decideRefundRequest(gift, 530))).toEqual({
      code: 'refund-above-unallocated',
      field: 'amount',
    });
    expect(() => decideRefundRequest(gift, 530)).toThrow(/unallocated net of 529/);
  });

  it('when any allocations, refunds and disputes happen, then an accepted organization refund never exceeds the unallocated net', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 1, max: 3000 }),
        (allocated, fee, refunded, asked) => {
          const gift = donationBuilder({
            fee,
            net: 2500 - fee,
            allocated: Math.min(allocated, 2500 - fee),
            refunded,
            settledRefunded: refunded,
          });
          const limit = unallocatedNet(gift);
          const outcome = refusal(() => decideRefundRequest(gift, asked));
          if (!outcome) expect(asked).toBeLessThanOrEqual(limit);
          expect(limit).toBeGreaterThanOrEqual(0);
          expect(gift.allocated + limit + gift.refunded).toBeLessThanOrEqual(
            Math.max(gift.net ?? 0, gift.allocated + gift.refunded),
          );
        },
      ),
    );
  });
});

describe('charge.refunded', () => {
  const notice = (amountRefunded: number, stripeEventId = `evt_${amountRefunded}`) => ({
    stripeEventId,
    chargeId: 'ch_1',
    amountRefunded,
    occurredAt: at,
  });

  it('when a partial refund is reported, then the increase is the refund and the pending request it covers is settled', () => {
    const gift = donationBuilder({ refunds: [pending('re_1', 1000)] });
    expect(decideChargeRefunded(gift, notice(1000))).toEqual({
      kind: 'changed',
      refundId: 'ch_1:refunded-to:1000',
      amount: 1000,
      refunded: 1000,
      status: 'succeeded',
      refunds: [{ ...pending('re_1', 1000), status: 'settled' }],
    });
  });

  it('when two refunds are reported late and out of order, then each unit of money counts once', () => {
    let gift = donationBuilder();
    const counted: number[] = [];
    for (const level of [1500, 1000, 1500, 2500, 1000]) {
      const decision = decideChargeRefunded(gift, notice(level));
      if (decision.kind === 'changed') {
        counted.push(decision.amount);
        gift = {
          ...gift,
          refunded: decision.refunded,
          status: decision.status,
          stripeEventIds: [...gift.stripeEventIds, `evt_${level}`],
        };
      }
    }
    expect(counted).toEqual([1500, 1000]);
    expect(gift).toMatchObject({ refunded: 2500, status: 'refunded' });
  });
});

describe('disputes', () => {
  const notice = (closed: boolean, stripeStatus: string, stripeEventId = `evt_${stripeStatus}`) => ({
    stripeEventId,
    disputeId: 'dp_1',
    amount: 2500,
    stripeStatus,
    closed,
    occurredAt: at,
  });

  it('when a dispute opens and is lost, then the hold is announced first and the loss second, each once', () => {
    const opened = decideDispute(donationBuilder(), notice(false, 'needs_response'));
    expect(opened).toMatchObject({ kind: 'changed', opened: { status: 'open' }, closed: null });
    const held = donationBuilder({
      disputes: opened.kind === 'changed' ? opened.disputes : [],
      stripeEventIds: ['evt_needs_response'],
    });
    expect(decideDispute(held, notice(false, 'needs_response', 'evt_other')).kind).toBe('unchanged');
    expect(decideDispute(held, notice(true, 'lost'))).toMatchObject({
      kind: 'changed',
      opened: null,
      closed: { status: 'lost', closedAt: at },
    });
  });

  it('when the close arrives before the opening, then both are decided together and the late opening changes nothing', () => {
    const decision = decideDispute(donationBuilder(), notice(true, 'won'));
    expect(decision).toMatchObject({
      kind: 'changed',
      opened: { status: 'open' },
      closed: { status: 'won' },
    });
    const closed = donationBuilder({ disputes: decision.kind === 'changed' ? decision.disputes : [] });
    expect(decideDispute(closed, notice(false, 'needs_response')).kind).toBe('unchanged');
  });

  it('when an inquiry closes without a chargeback, then it counts as won', () => {
    expect(decideDispute(donationBuilder(), notice(true, 'warning_closed'))).toMatchObject({
      closed: { status: 'won' },
    });
  });
});

describe('failed refunds', () => {
  const failed = (refundId: string, amount: number, occurredAt = at) => ({
    stripeEventId: `evt_${refundId}_failed`,
    refundId,
    amount,
    occurredAt,
  });

  it('when a counted refund fails, then its money is back on the gift, a fully refunded gift is succeeded again, and the refund request is marked failed', () => {
    const gift = donationBuilder({
      status: 'refunded',
      refunded: 2500,
      refunds: [{ ...pending('re_1', 2500), status: 'settled' }],
    });
    const decision = decideRefundFailed(gift, failed('re_1', 2500));
    expect(decision).toMatchObject({
      kind: 'changed',
      restored: 2500,
      refunded: 0,
      status: 'succeeded',
      refunds: [{ refundId: 're_1', status: 'failed' }],
    });
    expect(decision.kind === 'changed' && decision.refundFailures).toEqual([
      { refundId: 're_1', amount: 2500, at, restored: true },
    ]);
  });

  it('when a refund fails before it was counted, then nothing is given back but the pending request stops counting', () => {
    const gift = donationBuilder({ refunded: 0, refunds: [pending('re_2', 300)] });
    expect(decideRefundFailed(gift, failed('re_2', 300))).toMatchObject({
      kind: 'changed',
      restored: 0,
      refunded: 0,
      status: 'succeeded',
      refunds: [{ status: 'failed' }],
    });
  });

  it('when the same refund fails twice (two event types or a redelivery), then the second changes nothing', () => {
    const gift = donationBuilder({
      refunded: 0,
      refundFailures: [{ refundId: 're_3', amount: 300, at, restored: true }],
    });
    expect(decideRefundFailed(gift, { ...failed('re_3', 300), stripeEventId: 'evt_other' })).toMatchObject({
      kind: 'unchanged',
    });
  });

  it('when a charge.refunded from before the failure arrives late, then it does not count the failed refund again; a later one counts new refunds', () => {
    const failedAt = new Date('2026-03-02T12:00:00Z');
    const gift = donationBuilder({
      refunded: 0,
      refundFailures: [{ refundId: 're_4', amount: 1000, at: failedAt, restored: true }],
    });
    const stale = {
      stripeEventId: 'evt_stale',
      chargeId: 'ch_1',
      amountRefunded: 1000,
      occurredAt: new Date('2026-03-02T11:59:00Z'),
    };
    expect(decideChargeRefunded(gift, stale)).toMatchObject({ kind: 'unchanged' });
    const later = {
      stripeEventId: 'evt_later',
      chargeId: 'ch_1',
      amountRefunded: 400,
      occurredAt: new Date('2026-03-02T12:05:00Z'),
    };
    expect(decideChargeRefunded(gift, later)).toMatchObject({ kind: 'changed', amount: 400, refunded: 400 });
  });
});
