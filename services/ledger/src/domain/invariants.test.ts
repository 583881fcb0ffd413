import { envelope, newId, type AnyEvent } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import { campaignSnapshot, disbursementChain, giftSucceeded, refundPair } from '@aid/test-kit/record-events';
import {
  campaignBreaches,
  giftBreaches,
  persistentBreaches,
  tallyEntry,
  type GiftTally,
} from './invariants.ts';
import { draftEntry } from './public-entry.ts';
import { emptyTotals, summarize, type CampaignTotals } from './summary.ts';

const campaignId = campaignSnapshot().campaignId;

/** The campaign's summary and gift tallies after these events, each as its public entry records it. */
function recordOf(events: readonly AnyEvent[]) {
  const totals: CampaignTotals = { ...emptyTotals };
  const tallies = new Map<string, GiftTally>();
  for (const event of events) {
    const draft = draftEntry(event);
    if (!draft) continue;
    for (const [field, delta] of Object.entries(draft.deltas)) totals[field as keyof CampaignTotals] += delta;
    tallyEntry(tallies, draft.entry);
  }
  return { summary: summarize(campaignId, 'USD', totals, events.length), tallies };
}

const breachesOf = (events: readonly AnyEvent[]) => {
  const { summary, tallies } = recordOf(events);
  return [...campaignBreaches(summary), ...giftBreaches(campaignId, tallies)];
};

function cancelled(
  disbursementId: string,
  amount: number,
  released: { donationId: string; amount: number }[],
): AnyEvent {
  return envelope({
    type: 'org.diaspora-aid.disbursement.cancelled',
    source: '/services/disbursement',
    subject: campaignId,
    time: new Date(),
    data: {
      disbursementId,
      campaignId,
      amount,
      currency: 'USD',
      cancelledBy: 'm1',
      comment: 'closed',
      from: 'approved' as const,
      released,
      cancelledAt: new Date().toISOString(),
    },
  });
}

function disputeLost(donationId: string, amount: number): AnyEvent {
  return envelope({
    type: 'org.diaspora-aid.donation.dispute-closed',
    source: '/services/donation',
    subject: campaignId,
    time: new Date(),
    data: {
      donationId,
      campaignId,
      disputeId: 'du_1',
      outcome: 'lost' as const,
      amount,
      currency: 'USD',
      closedAt: new Date().toISOString(),
    },
  });
}

describe('conservation rules on the public record', () => {
  const giftId = newId();
  const gift = giftSucceeded(campaignId, { donationId: giftId, amount: 3_000, fee: 100 });

  it('when gifts are allocated, paid out and delivered within their money, then nothing is breached', () => {
    const chain = disbursementChain(campaignId, giftId, 2_900);
    expect(breachesOf([gift, chain.approved, chain.allocated, chain.paid, chain.delivered(40)])).toEqual([]);
  });

  it('when a whole gift is refunded with nothing allocated, then its kept fee breaks no gift rule (the campaign net shows it)', () => {
    const other = giftSucceeded(campaignId, { amount: 5_000, fee: 0 });
    expect(breachesOf([gift, other, refundPair(campaignId, giftId, 3_000).refunded])).toEqual([]);
  });

  it('when more is allocated than the campaign’s net, then both the campaign and the gift rule are breached', () => {
    const chain = disbursementChain(campaignId, giftId, 2_901);
    expect(breachesOf([gift, chain.approved, chain.allocated])).toEqual([
      expect.objectContaining({
        campaignId,
        invariant: 'campaign-allocated-within-net',
        value: 2_901,
        limit: 2_900,
      }),
      expect.objectContaining({
        campaignId,
        invariant: 'gift-allocated-within-net',
        donationId: giftId,
        value: 2_901,
        limit: 2_900,
      }),
    ]);
  });

  it('when more is paid out than allocated, or more delivered than paid out, then that rule is breached', () => {
    const chain = disbursementChain(campaignId, giftId, 2_000);
    const overpaid = { ...chain.paid, data: { ...(chain.paid.data as object), amount: 2_500 } } as AnyEvent;
    expect(breachesOf([gift, chain.approved, chain.allocated, overpaid])).toEqual([
      expect.objectContaining({
        invariant: 'campaign-paid-out-within-allocated',
        value: 2_500,
        limit: 2_000,
      }),
    ]);
    // A delivery of a disbursement never paid counts its amount as delivered.
    const { summary } = recordOf([gift, chain.approved, chain.allocated]);
    expect(campaignBreaches({ ...summary, delivered: 2_000 })).toEqual([
      expect.objectContaining({ invariant: 'campaign-delivered-within-paid-out', value: 2_000, limit: 0 }),
    ]);
  });

  it('when one gift is allocated beyond its net while the campaign holds enough, then only the gift rule is breached', () => {
    const other = giftSucceeded(campaignId, { amount: 10_000, fee: 0, minute: 2 });
    const chain = disbursementChain(campaignId, giftId, 5_000);
    expect(breachesOf([gift, other, chain.approved, chain.allocated])).toEqual([
      expect.objectContaining({
        invariant: 'gift-allocated-within-net',
        donationId: giftId,
        value: 5_000,
        limit: 2_900,
      }),
    ]);
  });

  it('when an allocated gift is then refunded or its dispute lost, then the gift is allocated beyond its net, until the disbursement is cancelled', () => {
    const other = giftSucceeded(campaignId, { amount: 10_000, fee: 0, minute: 2 });
    const chain = disbursementChain(campaignId, giftId, 2_000);
    expect(breachesOf([gift, other, chain.approved, chain.allocated, disputeLost(giftId, 3_000)])).toEqual([
      expect.objectContaining({
        invariant: 'gift-allocated-within-net',
        donationId: giftId,
        value: 2_000,
        limit: -100,
      }),
    ]);
    const refunds = refundPair(campaignId, giftId, 3_000);
    expect(
      breachesOf([gift, other, chain.approved, chain.allocated, refunds.refunded, refunds.reversed]),
    ).toEqual([]);
    expect(
      breachesOf([
        gift,
        other,
        chain.approved,
        chain.allocated,
        refunds.refunded,
        cancelled(chain.disbursementId, 2_000, [{ donationId: giftId, amount: 2_000 }]),
      ]),
    ).toEqual([]);
  });

  it('when an allocation names a gift the record does not hold, then the gift rule is breached', () => {
    const other = giftSucceeded(campaignId, { amount: 10_000, fee: 0 });
    const stranger = newId();
    const chain = disbursementChain(campaignId, stranger, 1_000);
    expect(breachesOf([other, chain.approved, chain.allocated])).toEqual([
      expect.objectContaining({
        invariant: 'gift-allocated-within-net',
        donationId: stranger,
        value: 1_000,
        limit: 0,
        explanation: expect.stringContaining('not on the record'),
      }),
    ]);
  });

  it('when a cancellation releases more of a gift than was allocated to it, then the gift is allocated below zero', () => {
    const chain = disbursementChain(campaignId, giftId, 1_000);
    expect(
      breachesOf([
        gift,
        chain.approved,
        chain.allocated,
        cancelled(chain.disbursementId, 1_000, [{ donationId: giftId, amount: 1_500 }]),
      ]),
    ).toEqual([
      expect.objectContaining({ invariant: 'gift-allocated-not-negative', donationId: giftId, value: -500 }),
    ]);
  });

  it('when allocated is below zero on the campaign, then that rule is breached', () => {
    const { summary } = recordOf([gift]);
    expect(campaignBreaches({ ...summary, allocated: -1 })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ invariant: 'campaign-allocated-not-negative', value: -1 }),
      ]),
    );
  });
});

describe('persistentBreaches', () => {
  const breach = {
    campaignId: 'c1',
    invariant: 'gift-allocated-within-net' as const,
    donationId: 'g1',
    value: 10,
    limit: 5,
    explanation: 'x',
  };

  it('when a breach is gone at the second look, then it was in flight and is not reported', () => {
    expect(persistentBreaches([breach], [])).toEqual([]);
  });

  it('when the same rule of the same gift is broken at both looks, then the second look is reported', () => {
    const later = { ...breach, value: 12 };
    expect(persistentBreaches([breach], [later, { ...breach, donationId: 'g2' }])).toEqual([later]);
  });
});
