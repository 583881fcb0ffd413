import { describe, expect, it } from 'vitest';
import { describeEntry as describeIn, kindLabel as kindLabelIn } from './entries.ts';
import { pageContext } from './page-context.ts';

const english = pageContext({ locale: 'en', url: '/', missing: 'mark' });
const kindLabel = (kind: string) => kindLabelIn(english, kind);
const describeEntry = (entry: Parameters<typeof describeIn>[1], currency: string | null) =>
  describeIn(english, entry, currency);

const entry = (kind: string, fields: Record<string, unknown> = {}) => ({
  v: 1,
  campaignId: 'c1',
  eventId: 'e1',
  time: '2026-01-02T00:00:00Z',
  kind,
  ...fields,
});

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
    const text = describeEntry(
      entry('refund-reversed', { donationId: 'd1', refundId: 're_1', amount: 2_500, currency: 'USD' }),
      'USD',
    );
    expect(text).toBe('Refund of $25.00 failed at the bank; the money is back on the gift');
  });

  it('when a failed refund names no currency, then the campaign currency is used', () => {
    expect(describeEntry(entry('refund-reversed', { amount: 1_000 }), 'EUR')).toContain('€10.00');
  });

  it('when a gift is disputed, then its entry says the money is held while the bank decides', () => {
    expect(
      describeEntry(
        entry('dispute-opened', { donationId: 'd1', disputeId: 'dp_1', amount: 5_000, currency: 'USD' }),
        'USD',
      ),
    ).toBe("Gift of $50.00 disputed at the donor's bank; held until the bank decides");
  });

  it.each([
    ['lost', "Dispute over $50.00 lost; the donor's bank took the money back"],
    ['won', "Dispute over $50.00 closed in the campaign's favour; the gift stands"],
  ])('when a dispute closes as %s, then its entry says what happened to the money', (outcome, text) => {
    expect(
      describeEntry(
        entry('dispute-closed', {
          donationId: 'd1',
          disputeId: 'dp_1',
          outcome,
          amount: 5_000,
          currency: 'USD',
        }),
        'USD',
      ),
    ).toBe(text);
  });

  it('when an approved disbursement is cancelled, then its entry says the money can be allocated again', () => {
    expect(
      describeEntry(
        entry('disbursement-cancelled', {
          disbursementId: 'b1',
          amount: 12_000,
          currency: 'EUR',
          released: [],
        }),
        'EUR',
      ),
    ).toBe('Disbursement of €120.00 cancelled before payout; the money is free to allocate again');
  });

  it.each([
    ['ar', 'refund-reversed', 'استرداد فاشل'],
    ['uk', 'dispute-opened', 'Спір'],
    ['so', 'gift', 'Deeq'],
  ] as const)(
    'when the page is in %s, then the %s code on the record is named in that language',
    (locale, kind, label) => {
      expect(kindLabelIn(pageContext({ locale, url: '/', missing: 'mark' }), kind)).toBe(label);
    },
  );

  it('when a delivery is described in Arabic, then the number of people takes its plural form and the free text stays as written', () => {
    const arabic = pageContext({ locale: 'ar', url: '/', missing: 'mark' });
    expect(
      describeIn(
        arabic,
        entry('delivery', { description: 'water filters', beneficiaries: 2, location: { area: 'Dadu' } }),
        'USD',
      ),
    ).toBe('تم التسليم: water filters (شخصان، Dadu)');
    expect(
      describeIn(
        arabic,
        entry('delivery', { description: 'water filters', beneficiaries: 40, location: { area: 'Dadu' } }),
        'USD',
      ),
    ).toBe('تم التسليم: water filters (40 شخصًا، Dadu)');
  });

  it('when a gift is described in French, then the money is written the French way with its currency', () => {
    expect(
      describeIn(
        pageContext({ locale: 'fr', url: '/', missing: 'mark' }),
        entry('gift', { amount: 123_456, currency: 'EUR' }),
        'EUR',
      ),
    ).toBe('Don de 1\u202f234,56\u00a0€');
  });
});
