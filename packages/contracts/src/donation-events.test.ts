import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { donationGeographyReleased, envelope, topicSchemas, topics } from './index.ts';

/** A gift announcement as the donation service published it before countries left gift events. */
const storedGift = JSON.parse(
  readFileSync(new URL('./fixtures/donation-succeeded-with-countries.json', import.meta.url), 'utf8'),
) as unknown;

describe('donation events and donor geography', () => {
  it('when a stored gift announcement with per-gift countries is consumed, then it still validates as it is', () => {
    expect(topicSchemas[topics.donation].parse(storedGift)).toEqual(storedGift);
  });

  it('when a gift is announced without countries, then it validates', () => {
    const gift = structuredClone(storedGift) as { data: { donor: Record<string, unknown> } };
    gift.data.donor = { publicRef: 'd_0123456789abcdef01234567', displayName: null };
    expect(topicSchemas[topics.donation].safeParse(gift).success).toBe(true);
  });

  it('when a geography release is built, then it is a donation-topic event; a group below one donor is refused', () => {
    const release = envelope({
      type: 'org.diaspora-aid.donation.geography-released',
      source: '/services/donation',
      subject: 'c1',
      time: new Date('2026-12-01T00:00:00Z'),
      data: {
        campaignId: 'c1',
        release: 1,
        minimumGroup: 5,
        residence: { groups: [{ country: 'IS', donors: 5 }], other: 0 },
        heritage: { groups: [], other: null },
        releasedAt: '2026-12-01T00:00:00.000Z',
      },
    });
    expect(topicSchemas[topics.donation].parse(release)).toEqual(release);
    const bad = {
      ...release,
      data: { ...release.data, residence: { groups: [{ country: 'IS', donors: 0 }], other: 0 } },
    };
    expect(donationGeographyReleased.safeParse(bad).success).toBe(false);
  });
});
