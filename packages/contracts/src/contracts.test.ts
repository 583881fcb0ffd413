import { describe, expect, it } from 'vitest';
import { donationSucceeded, envelope, receiptCodeHash, topicSchemas, topics } from './index.ts';

const gift = () =>
  envelope({
    type: 'org.diaspora-aid.donation.succeeded',
    source: '/services/donation',
    subject: 'c1',
    time: new Date('2026-01-02T03:04:05Z'),
    data: {
      donationId: 'd1',
      campaignId: 'c1',
      receiptHash: receiptCodeHash('code'),
      donor: {
        publicRef: 'd_0123456789abcdef01234567',
        displayName: null,
        countryOfResidence: 'GB',
        countryOfHeritage: 'PK',
      },
      amount: 2500,
      fee: 103,
      net: 2397,
      currency: 'USD',
      interval: 'once',
      succeededAt: '2026-01-02T03:04:05.000Z',
    },
  });

describe('event contracts', () => {
  it('when an envelope is built, then it is a valid CloudEvent of its topic with a UUIDv7 id and versioned dataschema', () => {
    const event = gift();
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(event.dataschema).toBe('urn:diaspora-aid:event:donation.succeeded:v1');
    expect(topicSchemas[topics.donation].parse(event)).toEqual(event);
  });

  it('when a payload has a float amount, then validation names the field', () => {
    const event = gift();
    const result = donationSucceeded.safeParse({ ...event, data: { ...event.data, amount: 25.5 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data', 'amount']);
  });

  it('when a failed refund is announced, then it is a donation-topic event with its own dataschema', () => {
    const reversed = envelope({
      type: 'org.diaspora-aid.donation.refund-reversed',
      source: '/services/donation',
      subject: 'c1',
      time: new Date('2026-01-03T03:04:05Z'),
      data: {
        donationId: 'd1',
        campaignId: 'c1',
        refundId: 're_1',
        amount: 500,
        currency: 'USD',
        reversedAt: '2026-01-03T03:04:05.000Z',
      },
    });
    expect(reversed.dataschema).toBe('urn:diaspora-aid:event:donation.refund-reversed:v1');
    expect(topicSchemas[topics.donation].parse(reversed)).toEqual(reversed);
    expect(
      topicSchemas[topics.donation].safeParse({ ...reversed, data: { ...reversed.data, amount: -1 } })
        .success,
    ).toBe(false);
  });

  it('when an event of one topic is checked against another topic, then it is refused', () => {
    expect(topicSchemas[topics.disbursement].safeParse(gift()).success).toBe(false);
  });

  it('when a receipt code is hashed, then the hash is stable and does not contain the code', () => {
    expect(receiptCodeHash('ABC')).toBe(receiptCodeHash('ABC'));
    expect(receiptCodeHash('ABC')).not.toContain('ABC');
    expect(receiptCodeHash('ABC')).not.toBe(receiptCodeHash('ABD'));
  });
});
