import { envelope } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import { disbursementChain, giftSucceeded } from '@aid/test-kit/record-events';
import {
  breakdowns,
  labelKey,
  presentedBreakdown,
  projectionDelta,
  timeseries,
  type ProjectionDelta,
  type StoredProjections,
} from './projections.ts';
import { draftEntry, type EntryDraft } from './public-entry.ts';

function drafted(
  event: Parameters<typeof draftEntry>[0],
  context?: Parameters<typeof draftEntry>[1],
): EntryDraft {
  const draft = draftEntry(event, context);
  if (!draft) throw new Error('expected a public entry');
  return draft;
}

/** Applies deltas the way the store's `$inc`/`$set` does, to check what readers get. */
function apply(stored: Record<string, unknown>, delta: ProjectionDelta): StoredProjections {
  const write = (path: string, update: (old: unknown) => unknown) => {
    const parts = path.split('.');
    let node = stored;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    const last = parts.at(-1) ?? '';
    node[last] = update(node[last]);
  };
  for (const [path, value] of Object.entries(delta.inc))
    write(path, (old) => (typeof old === 'number' ? old : 0) + value);
  for (const [path, value] of Object.entries(delta.set)) write(path, () => value);
  return stored;
}

const recipient = { name: 'Hyderabad Water Committee', country: 'PK', local: true };

describe('projections', () => {
  it('when gifts are paid in EUR and USD into a USD campaign, then the breakdown counts each currency’s gifts and presented totals; older gifts count in their own currency', () => {
    const stored: Record<string, unknown> = {};
    apply(
      stored,
      projectionDelta(
        drafted(
          giftSucceeded('c1', {
            amount: 2705,
            fee: 132,
            presented: { amount: 2500, currency: 'EUR' },
            exchangeRate: '1.0821',
          }),
        ),
      ),
    );
    apply(
      stored,
      projectionDelta(
        drafted(
          giftSucceeded('c1', {
            amount: 1082,
            fee: 50,
            presented: { amount: 1000, currency: 'EUR' },
            exchangeRate: '1.0820',
          }),
        ),
      ),
    );
    apply(stored, projectionDelta(drafted(giftSucceeded('c1', { amount: 5000 }))));
    const refund = envelope({
      type: 'org.diaspora-aid.donation.refunded',
      source: '/services/donation',
      subject: 'c1',
      time: new Date('2026-01-03T00:00:00Z'),
      data: {
        donationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
        campaignId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
        refundId: 'ch_1:refunded-to:1000',
        amount: 1076,
        currency: 'USD',
        refundedAt: '2026-01-03T00:00:00.000Z',
        presented: { amount: 1000, currency: 'EUR' },
      },
    });
    apply(stored, projectionDelta(drafted(refund)));
    expect(
      presentedBreakdown(
        (stored as { presented?: Record<string, { gifts?: number; amount?: number; refunded?: number }> })
          .presented,
      ),
    ).toEqual([
      { currency: 'EUR', gifts: 2, amount: 3500, refunded: 1000 },
      { currency: 'USD', gifts: 1, amount: 5000, refunded: 0 },
    ]);
  });

  it('when a gift arrives, even one announced with countries before they left gift events, then only its UTC day gains raised and fees and its currency one gift: no country is counted from an entry', () => {
    const draft = drafted(
      giftSucceeded('c1', {
        amount: 2500,
        fee: 100,
        donor: { countryOfResidence: 'IS', countryOfHeritage: 'PK' },
      }),
    );
    expect(projectionDelta(draft)).toEqual({
      inc: {
        'days.2026-01-02.raised': 2500,
        'days.2026-01-02.fees': 100,
        'presented.USD.gifts': 1,
        'presented.USD.amount': 2500,
      },
      set: {},
    });
  });

  it('when a disbursement is approved, paid and delivered, then its sector and recipient carry each amount once', () => {
    const chain = disbursementChain('c1', 'd1', 1000, true);
    const facts = { disbursement: { sector: 'WASH', recipient } };
    const stored: Record<string, unknown> = {};
    apply(stored, projectionDelta(drafted(chain.approved)));
    apply(stored, projectionDelta(drafted(chain.allocated), facts));
    apply(stored, projectionDelta(drafted(chain.paid), facts));
    apply(
      stored,
      projectionDelta(
        drafted(chain.delivered(40), { disbursementAmount: 1000, firstDeliveryOfDisbursement: true }),
        facts,
      ),
    );
    apply(
      stored,
      projectionDelta(
        drafted(chain.delivered(10), { disbursementAmount: 1000, firstDeliveryOfDisbursement: false }),
        facts,
      ),
    );
    const result = breakdowns(stored);
    expect(result.bySector).toEqual([{ sector: 'WASH', allocated: 1000, paidOut: 1000, delivered: 1000 }]);
    expect(result.byRecipient).toEqual([
      { ...recipient, allocated: 1000, paidOut: 1000, delivered: 1000, beneficiaries: 50 },
    ]);
    expect(timeseries(stored)).toEqual([
      {
        date: '2026-01-02',
        raised: 0,
        fees: 0,
        refunded: 0,
        allocated: 1000,
        paidOut: 1000,
        delivered: 1000,
        beneficiaries: 50,
      },
    ]);
  });

  it('when an approved disbursement is cancelled, then its sector and recipient give the allocation back', () => {
    const chain = disbursementChain('c1', 'd1', 1000, true);
    const cancelled = drafted(
      envelope({
        type: 'org.diaspora-aid.disbursement.cancelled',
        source: '/services/disbursement',
        subject: 'c1',
        time: new Date(Date.UTC(2026, 0, 3)),
        data: {
          disbursementId: chain.disbursementId,
          campaignId: 'c1',
          from: 'approved' as const,
          amount: 1000,
          currency: 'USD',
          released: [],
          cancelledBy: 'm1',
          comment: 'duplicate',
          cancelledAt: '2026-01-03T00:00:00.000Z',
        },
      }),
    );
    const stored: Record<string, unknown> = {};
    apply(stored, projectionDelta(drafted(chain.approved)));
    apply(stored, projectionDelta(cancelled, { disbursement: { sector: 'WASH', recipient } }));
    expect(breakdowns(stored).bySector).toEqual([{ sector: 'WASH', allocated: 0, paidOut: 0, delivered: 0 }]);
    expect(timeseries(stored).map((row) => [row.date, row.allocated])).toEqual([
      ['2026-01-02', 1000],
      ['2026-01-03', -1000],
    ]);
  });

  it('when a sector or recipient name has dots or dollar signs, then its stored key is still a plain word', () => {
    expect(labelKey('Food. $Cash')).toMatch(/^k[0-9a-f]{20}$/);
    expect(labelKey('a', 'b', true)).not.toBe(labelKey('a', 'b', false));
  });

  it('when days are stored out of order, then the series is sorted oldest first and not cumulative', () => {
    const rows = timeseries({ days: { '2026-02-01': { raised: 5 }, '2026-01-15': { raised: 7, fees: 1 } } });
    expect(rows.map((row) => [row.date, row.raised])).toEqual([
      ['2026-01-15', 7],
      ['2026-02-01', 5],
    ]);
  });
});
