import { describe, expect, it } from 'vitest';
import { describeEntry, kindLabel } from './entries.ts';

const entry = (kind: string, fields: Record<string, unknown> = {}) => ({ v: 1, campaignId: 'c1', eventId: 'e1', time: '2026-01-02T00:00:00Z', kind, ...fields });

describe('ledger entry kinds', () => {
  it.each([
    ['refund', 'Refund'],
    ['refund-reversed', 'Failed refund'],
    ['gift', 'Gift'],
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
});
