import { envelope } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import { campaignPublished, campaignSnapshot, disbursementChain, giftSucceeded } from '../test-support/event-builders.ts';
import { draftEntry } from './public-entry.ts';
import { emptyTotals, summarize } from './summary.ts';

describe('public entries', () => {
  it('when a gift succeeds, then its entry counts gross and fee and names the donor only by reference', () => {
    const draft = draftEntry(giftSucceeded('c1', { amount: 2500, fee: 103 }));
    expect(draft?.kind).toBe('gift');
    expect(draft?.deltas).toEqual({ raised: 2500, fees: 103, gifts: 1 });
    expect(JSON.stringify(draft?.entry)).not.toMatch(/@|email/);
    expect(draft?.refs.receiptHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when a disbursement is paid to a local partner, then paid out and the local share both grow', () => {
    const chain = disbursementChain('c1', 'd1', 1000, true);
    expect(draftEntry(chain.paid)?.deltas).toEqual({ paidOut: 1000, paidOutLocal: 1000 });
    const international = disbursementChain('c1', 'd1', 1000, false);
    expect(draftEntry(international.paid)?.deltas).toEqual({ paidOut: 1000, paidOutLocal: 0 });
  });

  it('when a disbursement has its first delivery, then its amount counts as delivered once; later reports add beneficiaries only', () => {
    const chain = disbursementChain('c1', 'd1', 1000);
    expect(draftEntry(chain.delivered(40), { disbursementAmount: 1000, firstDeliveryOfDisbursement: true })?.deltas).toEqual({ delivered: 1000, beneficiaries: 40 });
    expect(draftEntry(chain.delivered(15), { disbursementAmount: 1000, firstDeliveryOfDisbursement: false })?.deltas).toEqual({ delivered: 0, beneficiaries: 15 });
  });

  it('when a campaign is published, then the entry describes it; drafts and edits stay off the record', () => {
    const snapshot = campaignSnapshot();
    expect(draftEntry(campaignPublished(snapshot))?.kind).toBe('campaign-published');
    const changed = envelope({ type: 'org.diaspora-aid.campaign.changed', source: '/services/campaign', subject: snapshot.campaignId, time: new Date(), data: { campaign: snapshot } });
    expect(draftEntry(changed)).toBeNull();
  });

  it('when totals are summarized, then net subtracts fees and refunds and the local share is a fraction of paid out', () => {
    const summary = summarize('c1', 'USD', { ...emptyTotals, raised: 10_000, fees: 300, refunded: 700, allocated: 5_000, paidOut: 4_000, paidOutLocal: 3_000 }, 9);
    expect(summary.net).toBe(9_000);
    expect(summary.localShare).toBe(0.75);
    expect(summarize('c1', 'USD', emptyTotals, 0).localShare).toBe(0);
  });
});
