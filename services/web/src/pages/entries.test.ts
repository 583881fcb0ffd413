import { describe, expect, it } from 'vitest';
import { describeEntry, kindLabel } from './entries.ts';

const entry = (kind: string, fields: Record<string, unknown> = {}) => ({ v: 1, campaignId: 'c1', eventId: 'e1', time: '2026-01-02T00:00:00Z', kind, ...fields });

describe('ledger entry kinds', () => {
  it.each([
    ['refund', 'Refund'],
    ['refund-reversed', 'Failed refund'],
    ['gift', 'Gift'],
    ['dispute-opened', 'Dispute'],
    ['dispute-closed', 'Dispute closed'],
    ['disbursement-cancelled', 'Cancelled disbursement'],
  ])('when an entry of kind %s is listed, then its kind reads %j', (kind, label) => {
    expect(kindLabel(kind)).toBe(label);
  });

  it('when a kind has no label, then it is shown as written', () => {
    expect(kindLabel('something-new')).toBe('something-new');
  });

  it('when a counted refund failed at the bank, then its entry says so with the amount and that the money is back on the gift', () => {
    const text = describeEntry(entry('refund-reversed', { donationId: 'd1', refundId: 're_1', amount: 2_500, currency: 'USD' }), 'USD');
    expect(text).toBe('Refund of $25.00 failed at the bank; the money is back on the gift');
  });

  it('when a failed refund names no currency, then the campaign currency is used', () => {
    expect(describeEntry(entry('refund-reversed', { amount: 1_000 }), 'EUR')).toContain('€10.00');
  });

  it('when a gift is disputed, then its entry says the money is held while the bank decides', () => {
    expect(describeEntry(entry('dispute-opened', { donationId: 'd1', disputeId: 'dp_1', amount: 5_000, currency: 'USD' }), 'USD')).toBe(
      "Gift of $50.00 disputed at the donor's bank; held until the bank decides",
    );
  });

  it.each([
    ['lost', "Dispute over $50.00 lost; the donor's bank took the money back"],
    ['won', "Dispute over $50.00 closed in the campaign's favour; the gift stands"],
  ])('when a dispute closes as %s, then its entry says what happened to the money', (outcome, text) => {
    expect(describeEntry(entry('dispute-closed', { donationId: 'd1', disputeId: 'dp_1', outcome, amount: 5_000, currency: 'USD' }), 'USD')).toBe(text);
  });

  it('when an approved disbursement is cancelled, then its entry says the money can be allocated again', () => {
    expect(describeEntry(entry('disbursement-cancelled', { disbursementId: 'b1', amount: 12_000, currency: 'EUR', released: [] }), 'EUR')).toBe(
      'Disbursement of €120.00 cancelled before payout; the money is free to allocate again',
    );
  });
});
