import { envelope } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementChain,
  geographyReleased,
  giftSucceeded,
  refundPair,
} from '@aid/test-kit/record-events';
import { draftEntry } from './public-entry.ts';
import { emptyTotals, summarize } from './summary.ts';

describe('public entries', () => {
  it('when a gift succeeds, then its entry counts gross and fee and names the donor only by reference', () => {
    const draft = draftEntry(giftSucceeded('c1', { amount: 2500, fee: 103 }));
    expect(draft?.kind).toBe('gift');
    expect(draft?.deltas).toEqual({ raised: 2500, fees: 103, gifts: 1 });
    expect(JSON.stringify(draft?.entry)).not.toMatch(/@|email/);
    expect(draft?.refs.receiptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(draft?.entry.donor).toEqual({ publicRef: `d_${'ab'.repeat(12)}`, displayName: null });
    expect(JSON.stringify(draft?.entry)).not.toMatch(/country/i);
  });

  it('when a gift announced before countries left gift events is recorded, then its entry is what it always was, so a rebuilt log keeps its hashes', () => {
    const legacy = giftSucceeded('c1', { donor: { countryOfResidence: 'IS', countryOfHeritage: 'PK' } });
    expect(draftEntry(legacy)?.entry.donor).toEqual({
      publicRef: `d_${'ab'.repeat(12)}`,
      displayName: null,
      countryOfResidence: 'IS',
      countryOfHeritage: 'PK',
    });
  });

  it('when a EUR gift settled in USD, then its entry keeps the settled figures and adds what the donor paid and Stripe’s rate', () => {
    const draft = draftEntry(
      giftSucceeded('c1', {
        amount: 2705,
        fee: 132,
        presented: { amount: 2500, currency: 'EUR' },
        exchangeRate: '1.0821',
      }),
    );
    expect(draft?.entry).toMatchObject({
      amount: 2705,
      fee: 132,
      net: 2573,
      currency: 'USD',
      presented: { amount: 2500, currency: 'EUR' },
      exchangeRate: '1.0821',
    });
    expect(draft?.deltas).toEqual({ raised: 2705, fees: 132, gifts: 1 });
  });

  it('when a gift from before presented currencies is recorded, then its entry has no new field, so its leaf is unchanged', () => {
    const entry = draftEntry(giftSucceeded('c1'))?.entry ?? {};
    expect(Object.keys(entry)).not.toContain('presented');
    expect(Object.keys(entry)).not.toContain('exchangeRate');
  });

  it('when an update is posted with a photo, then the photo hash is on its entry; an update without one has no photo field', () => {
    const posted = (photo?: { contentType: string; size: number; sha256: string }) =>
      envelope({
        type: 'org.diaspora-aid.campaign.update-posted',
        source: '/services/campaign',
        subject: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
        time: new Date('2026-03-01T10:00:00Z'),
        data: {
          campaignId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
          updateId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d',
          title: 'Filters',
          body: 'Delivered.',
          postedAt: '2026-03-01T10:00:00.000Z',
          ...(photo ? { photo } : {}),
        },
      });
    const photo = { contentType: 'image/jpeg', size: 1234, sha256: 'ab'.repeat(32) };
    expect(draftEntry(posted(photo))?.entry).toMatchObject({
      kind: 'campaign-update',
      title: 'Filters',
      photo,
    });
    expect(Object.keys(draftEntry(posted())?.entry ?? {})).not.toContain('photo');
  });

  it('when donor geography is released, then it is not an entry of the log', () => {
    expect(
      draftEntry(
        geographyReleased('c1', 1, {
          residence: { groups: [{ country: 'IS', donors: 5 }], other: 0 },
          heritage: { groups: [], other: null },
        }),
      ),
    ).toBeNull();
  });

  it('when a gift is disputed, then the hold is on the record without moving net; a lost dispute counts as refunded, a won one moves nothing', () => {
    const base = {
      donationId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      campaignId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c',
      disputeId: 'dp_1',
      amount: 2500,
      currency: 'USD',
    };
    const time = new Date('2026-03-01T10:00:00Z');
    const opened = envelope({
      type: 'org.diaspora-aid.donation.disputed',
      source: '/services/donation',
      subject: base.campaignId,
      time,
      data: { ...base, disputedAt: time.toISOString() },
    });
    const closed = (outcome: 'won' | 'lost') =>
      envelope({
        type: 'org.diaspora-aid.donation.dispute-closed',
        source: '/services/donation',
        subject: base.campaignId,
        time,
        data: { ...base, outcome, closedAt: time.toISOString() },
      });
    expect(draftEntry(opened)).toMatchObject({
      kind: 'dispute-opened',
      deltas: {},
      refs: { donationId: base.donationId },
    });
    expect(draftEntry(closed('lost'))).toMatchObject({
      kind: 'dispute-closed',
      deltas: { refunded: 2500 },
      entry: { outcome: 'lost', amount: 2500 },
    });
    expect(draftEntry(closed('won'))?.deltas).toEqual({});
  });

  it('when a counted refund fails, then its own entry takes the amount off refunded, so refund and reversal together move nothing', () => {
    const { refunded, reversed } = refundPair('c1', 'g1', 700);
    expect(draftEntry(refunded)).toMatchObject({ kind: 'refund', deltas: { refunded: 700 } });
    const draft = draftEntry(reversed);
    expect(draft).toMatchObject({
      kind: 'refund-reversed',
      deltas: { refunded: -700 },
      refs: { donationId: 'g1' },
      currency: 'USD',
    });
    expect(draft?.entry).toEqual({
      v: 1,
      campaignId: 'c1',
      kind: 'refund-reversed',
      eventId: reversed.id,
      time: reversed.time,
      donationId: 'g1',
      refundId: 're_1',
      amount: 700,
      currency: 'USD',
    });
  });

  it('when a disbursement is paid to a local partner, then paid out and the local share both grow', () => {
    const chain = disbursementChain('c1', 'd1', 1000, true);
    expect(draftEntry(chain.paid)?.deltas).toEqual({ paidOut: 1000, paidOutLocal: 1000 });
    const international = disbursementChain('c1', 'd1', 1000, false);
    expect(draftEntry(international.paid)?.deltas).toEqual({ paidOut: 1000, paidOutLocal: 0 });
  });

  it('when a disbursement has its first delivery, then its amount counts as delivered once; later reports add beneficiaries only', () => {
    const chain = disbursementChain('c1', 'd1', 1000);
    expect(
      draftEntry(chain.delivered(40), { disbursementAmount: 1000, firstDeliveryOfDisbursement: true })
        ?.deltas,
    ).toEqual({ delivered: 1000, beneficiaries: 40 });
    expect(
      draftEntry(chain.delivered(15), { disbursementAmount: 1000, firstDeliveryOfDisbursement: false })
        ?.deltas,
    ).toEqual({ delivered: 0, beneficiaries: 15 });
  });

  it('when an approved disbursement is cancelled, then its entry lists the released slices and allocated shrinks; a cancelled request stays off the record', () => {
    const cancelled = (from: 'requested' | 'approved') =>
      envelope({
        type: 'org.diaspora-aid.disbursement.cancelled',
        source: '/services/disbursement',
        subject: 'c1',
        time: new Date(),
        data: {
          disbursementId: 'd1',
          campaignId: 'c1',
          amount: 1000,
          currency: 'USD',
          cancelledBy: 'm1',
          comment: 'partner closed',
          from,
          released: from === 'approved' ? [{ donationId: 'g1', amount: 1000 }] : [],
          cancelledAt: new Date().toISOString(),
        },
      });
    const draft = draftEntry(cancelled('approved'));
    expect(draft).toMatchObject({
      kind: 'disbursement-cancelled',
      deltas: { allocated: -1000 },
      refs: { disbursementId: 'd1' },
    });
    expect(draft?.entry).toMatchObject({ released: [{ donationId: 'g1', amount: 1000 }] });
    expect(draftEntry(cancelled('requested'))).toBeNull();
  });

  it('when a campaign is published, then the entry describes it; drafts and edits stay off the record', () => {
    const snapshot = campaignSnapshot();
    expect(draftEntry(campaignPublished(snapshot))?.kind).toBe('campaign-published');
    const changed = envelope({
      type: 'org.diaspora-aid.campaign.changed',
      source: '/services/campaign',
      subject: snapshot.campaignId,
      time: new Date(),
      data: { campaign: snapshot },
    });
    expect(draftEntry(changed)).toBeNull();
  });

  it('when a campaign of a verified organization is published, then its entry says since when; one published before vetting has no such field, so its leaf is unchanged', () => {
    const verified = draftEntry(
      campaignPublished({ ...campaignSnapshot(), organizationVerifiedAt: '2026-02-10T09:00:00.000Z' }),
    )?.entry;
    expect(verified?.campaign).toMatchObject({ organizationVerifiedAt: '2026-02-10T09:00:00.000Z' });
    const before = draftEntry(campaignPublished(campaignSnapshot()))?.entry;
    expect(Object.keys(before?.campaign ?? {})).not.toContain('organizationVerifiedAt');
  });

  it('when totals are summarized, then net subtracts fees and refunds and the local share is a fraction of paid out', () => {
    const summary = summarize(
      'c1',
      'USD',
      {
        ...emptyTotals,
        raised: 10_000,
        fees: 300,
        refunded: 700,
        allocated: 5_000,
        paidOut: 4_000,
        paidOutLocal: 3_000,
      },
      9,
    );
    expect(summary.net).toBe(9_000);
    expect(summary.localShare).toBe(0.75);
    expect(summarize('c1', 'USD', emptyTotals, 0).localShare).toBe(0);
  });
});
