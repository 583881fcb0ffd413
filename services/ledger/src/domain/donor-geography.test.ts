import { describe, expect, it } from 'vitest';
import { publicGeography, type GeographyRelease } from './donor-geography.ts';

const release = (overrides: Partial<GeographyRelease> = {}): GeographyRelease => ({
  release: 3,
  minimumGroup: 5,
  residence: {
    groups: [
      { country: 'GB', donors: 12 },
      { country: 'IS', donors: 5 },
    ],
    other: 7,
  },
  heritage: { groups: [{ country: 'PK', donors: 20 }], other: 0 },
  releasedAt: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

describe('public donor geography', () => {
  it('when no release exists yet, then nothing is shown, not even a count of others', () => {
    expect(publicGeography(null)).toEqual({
      minimumGroup: 5,
      release: null,
      releasedAt: null,
      byResidence: [],
      byHeritage: [],
      otherResidence: null,
      otherHeritage: null,
    });
  });

  it('when a release exists, then its groups and other counts are shown as released', () => {
    expect(publicGeography(release())).toEqual({
      minimumGroup: 5,
      release: 3,
      releasedAt: '2026-12-01T00:00:00.000Z',
      byResidence: [
        { country: 'GB', donors: 12 },
        { country: 'IS', donors: 5 },
      ],
      byHeritage: [{ country: 'PK', donors: 20 }],
      otherResidence: 7,
      otherHeritage: 0,
    });
  });

  it('when a faulty release holds a group under five, then that group is dropped and "other" withheld, since it would let one subtract', () => {
    const shown = publicGeography(
      release({
        residence: {
          groups: [
            { country: 'GB', donors: 12 },
            { country: 'IS', donors: 1 },
          ],
          other: 7,
        },
        heritage: { groups: [], other: 3 },
      }),
    );
    expect(shown).toMatchObject({
      byResidence: [{ country: 'GB', donors: 12 }],
      otherResidence: null,
      byHeritage: [],
      otherHeritage: null,
    });
  });
});
