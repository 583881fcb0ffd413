import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  donorKeyer,
  donorKeySecret,
  minimumDonorGroup,
  noGeography,
  publishableDimension,
  releaseDue,
  releaseOf,
  type GeographyCounts,
} from './donor-geography.ts';

const keyOf = donorKeyer(donorKeySecret(Buffer.alloc(32, 7)));

/** Distinct donors by country, as the store counts them: each donor key once, from its first consenting gift. */
function countGifts(
  gifts: { email: string; residence: string | null }[],
  campaignId = 'c1',
): Record<string, number> {
  const seen = new Set<string>();
  const counts: Record<string, number> = {};
  for (const gift of gifts) {
    const key = keyOf(campaignId, gift.email);
    if (seen.has(key)) continue;
    seen.add(key);
    if (gift.residence) counts[gift.residence] = (counts[gift.residence] ?? 0) + 1;
  }
  return counts;
}

describe('donor key', () => {
  it('when one donor gives monthly, or with their email in another case or with spaces, then every gift has one key', () => {
    const keys = new Set(
      ['amina@example.org', 'Amina@Example.org', ' amina@example.org '].map((email) => keyOf('c1', email)),
    );
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when the same donor gives to two campaigns, or under another secret, then the keys differ and show nothing of the email', () => {
    expect(keyOf('c1', 'amina@example.org')).not.toBe(keyOf('c2', 'amina@example.org'));
    expect(donorKeyer(donorKeySecret(Buffer.alloc(32, 8)))('c1', 'amina@example.org')).not.toBe(
      keyOf('c1', 'amina@example.org'),
    );
    expect(keyOf('c1', 'amina@example.org')).not.toContain('amina');
  });
});

describe('k-anonymity over distinct donors', () => {
  it('when one monthly donor in Iceland has five installments, then Iceland has one donor and is withheld', () => {
    const installments = Array.from({ length: 5 }, () => ({ email: 'sigrid@example.is', residence: 'IS' }));
    const counts = countGifts(installments);
    expect(counts).toEqual({ IS: 1 });
    expect(publishableDimension(counts)).toEqual({ groups: [], other: null });
  });

  it('when five distinct donors live in Iceland, then Iceland is shown with five donors', () => {
    const counts = countGifts([
      ...Array.from({ length: 5 }, () => ({ email: 'sigrid@example.is', residence: 'IS' })),
      ...['a', 'b', 'c', 'd'].map((name) => ({ email: `${name}@example.is`, residence: 'IS' })),
    ]);
    expect(publishableDimension(counts)).toEqual({ groups: [{ country: 'IS', donors: 5 }], other: 0 });
  });

  it('when small countries add up to k or more, then they are shown only as one "other" count', () => {
    expect(publishableDimension({ GB: 12, IS: 2, NO: 3 })).toEqual({
      groups: [{ country: 'GB', donors: 12 }],
      other: 5,
    });
  });

  it('when the small countries add up to fewer than k, then the smallest shown country is merged into "other" so nothing can be subtracted', () => {
    // Publishing GB 12, US 7 and "other 1" would tell that one donor lives elsewhere; GB 12 and other 8 does not.
    expect(publishableDimension({ GB: 12, US: 7, IS: 1 })).toEqual({
      groups: [{ country: 'GB', donors: 12 }],
      other: 8,
    });
  });

  it('when every donor is in a small country and they are fewer than k, then nothing is published, not even a total', () => {
    expect(publishableDimension({ IS: 1, NO: 2 })).toEqual({ groups: [], other: null });
  });

  it('when any counts are published, then every published number is 0 or at least k, and shown plus other is every counted donor', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('GB', 'US', 'IS', 'NO', 'PK', 'SO', 'HT', 'UA'),
          fc.integer({ min: 0, max: 12 }),
        ),
        (counts) => {
          const { groups, other } = publishableDimension(counts);
          const total = Object.values(counts).reduce((sum, donors) => sum + donors, 0);
          for (const group of groups) expect(group.donors).toBeGreaterThanOrEqual(minimumDonorGroup);
          if (other === null) {
            expect(groups).toEqual([]);
            expect(total).toBeLessThan(minimumDonorGroup);
          } else {
            expect(other === 0 || other >= minimumDonorGroup).toBe(true);
            expect(groups.reduce((sum, group) => sum + group.donors, 0) + other).toBe(total);
          }
        },
      ),
    );
  });
});

describe('releases', () => {
  const counts = (overrides: Partial<GeographyCounts>): GeographyCounts => ({ ...noGeography, ...overrides });

  it('when fewer than k donors were counted since the last release, then no release is due', () => {
    expect(releaseDue(counts({ donors: 4 }))).toBe(false);
    expect(releaseDue(counts({ donors: 9, releasedDonors: 5, release: 1 }))).toBe(false);
  });

  it('when k new donors were counted, then the next release is numbered after the last and covers both dimensions', () => {
    const due = counts({
      donors: 10,
      releasedDonors: 5,
      release: 1,
      residence: { IS: 6, GB: 4 },
      heritage: { PK: 3 },
    });
    expect(releaseDue(due)).toBe(true);
    expect(releaseOf(due)).toEqual({
      release: 2,
      minimumGroup: 5,
      // GB's 4 alone would be subtractable from the total: Iceland is merged with it.
      residence: { groups: [], other: 10 },
      heritage: { groups: [], other: null },
    });
  });
});
