import { donationRefundReversed, donationSucceeded, receiptCodeHash } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import type { Donation } from '../domain/donation.ts';
import { donationBuilder } from '../test-support/donation-builder.ts';
import { donationRefundReversedEvent, donationSucceededEvent, succeededEventId } from './donation-events.ts';

const donation = (overrides: Partial<Donation> = {}): Donation =>
  donationBuilder({
    status: 'pending',
    fee: null,
    net: null,
    succeededAt: null,
    chargeId: null,
    revision: 0,
    ...overrides,
  });

const settled = {
  from: 'pending',
  to: 'succeeded',
  at: new Date('2026-03-01T10:00:00Z'),
  settledAmount: 2500,
  fee: 0,
  net: 2500,
  exchangeRate: null,
  chargeId: null,
} as const;

describe('donationSucceededEvent', () => {
  it('when a EUR 25.00 gift settled as 27.05 USD, then the event counts USD and carries what the donor paid and Stripe’s rate', () => {
    const gift = donation({ currency: 'EUR', settlementCurrency: 'USD' });
    const event = donationSucceededEvent(gift, {
      ...settled,
      settledAmount: 2705,
      fee: 132,
      net: 2573,
      exchangeRate: '1.0821',
    });
    expect(donationSucceeded.parse(event)).toEqual(event);
    expect(event.data).toMatchObject({
      amount: 2705,
      fee: 132,
      net: 2573,
      currency: 'USD',
      presented: { amount: 2500, currency: 'EUR' },
      exchangeRate: '1.0821',
    });
  });

  it('when the donor hides their name, then the event has neither name nor email and is keyed by the campaign', () => {
    const event = donationSucceededEvent(donation(), settled);
    expect(donationSucceeded.parse(event)).toEqual(event);
    expect(event.subject).toBe(donation().campaignId);
    expect(event.data.donor).toEqual({ publicRef: 'd_0123456789abcdef01234567', displayName: null });
    expect(JSON.stringify(event)).not.toMatch(/amina|Yusuf/i);
  });

  it('when the donor shows their name and consented to be counted by country, then the name appears and no country does', () => {
    const event = donationSucceededEvent(
      donation({
        showName: true,
        geographyConsent: true,
        donorKey: 'f'.repeat(64),
        countryOfResidence: 'IS',
        countryOfHeritage: 'PK',
      }),
      settled,
    );
    expect(event.data.donor).toEqual({ publicRef: 'd_0123456789abcdef01234567', displayName: 'Amina Yusuf' });
    const text = JSON.stringify(event);
    expect(text).not.toContain('amina@example.org');
    expect(text).not.toMatch(/"IS"|"PK"|country/);
    expect(text).not.toContain('f'.repeat(64));
  });

  it('when a name stored before names were cleaned is shown, then the public event carries it cleaned, or not at all', () => {
    const tricked = donationSucceededEvent(
      donation({ showName: true, donor: { email: 'a@example.org', name: 'Amina \u202Eharhs\u200B' } }),
      settled,
    );
    expect(tricked.data.donor.displayName).toBe('Amina harhs');
    const invisible = donationSucceededEvent(
      donation({ showName: true, donor: { email: 'a@example.org', name: '\u2066\u2069' } }),
      settled,
    );
    expect(invisible.data.donor.displayName).toBeNull();
  });

  it('when a gift settles, then amount = net + fee and the receipt is known only by its hash', () => {
    const event = donationSucceededEvent(donation({ interval: 'month' }), settled);
    expect(event.data).toMatchObject({
      amount: 2500,
      fee: 0,
      net: 2500,
      interval: 'month',
      succeededAt: '2026-03-01T10:00:00.000Z',
    });
    expect(event.data.receiptHash).toBe(receiptCodeHash('CODE'));
  });

  it('when the same gift is announced twice, then both copies have the same UUIDv7 id, and another gift gets another id', () => {
    const first = donationSucceededEvent(donation(), settled);
    expect(donationSucceededEvent(donation(), settled)).toEqual(first);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.id.replaceAll('-', '').slice(0, 12)).toBe(
      settled.at.getTime().toString(16).padStart(12, '0'),
    );
    expect(succeededEventId('another-donation', settled.at)).not.toBe(first.id);
  });
});

describe('donationRefundReversedEvent', () => {
  const reversal = { refundId: 're_123', amount: 700, at: new Date('2026-03-02T10:00:00Z') };

  it('when a counted refund fails, then the event gives its amount back, keyed by the campaign, with no donor data', () => {
    const event = donationRefundReversedEvent(donation({ status: 'succeeded' }), reversal);
    expect(donationRefundReversed.parse(event)).toEqual(event);
    expect(event.subject).toBe(donation().campaignId);
    expect(event.data).toEqual({
      donationId: donation().id,
      campaignId: donation().campaignId,
      refundId: 're_123',
      amount: 700,
      currency: 'USD',
      reversedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(JSON.stringify(event)).not.toMatch(/amina|Yusuf/i);
  });

  it('when the same failure is decided twice, then both copies have one id, and another failed refund gets another', () => {
    const first = donationRefundReversedEvent(donation(), reversal);
    expect(donationRefundReversedEvent(donation(), reversal).id).toBe(first.id);
    expect(donationRefundReversedEvent(donation(), { ...reversal, refundId: 're_456' }).id).not.toBe(
      first.id,
    );
  });
});
