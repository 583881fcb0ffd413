import type { GeographyDimension } from '@aid/contracts';

/** No published number of donors is smaller than this, whatever a release says. */
export const minimumDonorGroup = 5;

/** The latest donor geography the donation service released for a campaign. */
export interface GeographyRelease {
  release: number;
  minimumGroup: number;
  residence: GeographyDimension;
  heritage: GeographyDimension;
  releasedAt: string;
}

export interface CountryDonors {
  country: string;
  donors: number;
}

export interface PublicGeography {
  minimumGroup: number;
  release: number | null;
  releasedAt: string | null;
  byResidence: CountryDonors[];
  byHeritage: CountryDonors[];
  otherResidence: number | null;
  otherHeritage: number | null;
}

/**
 * Checked again here, so that a faulty release can never publish a small group: a country under the minimum
 * is dropped, and then `other` (which it would change) is withheld too.
 */
function dimension(released: GeographyDimension | undefined): {
  groups: CountryDonors[];
  other: number | null;
} {
  if (!released) return { groups: [], other: null };
  const groups = released.groups.filter((group) => group.donors >= minimumDonorGroup);
  const tampered = groups.length !== released.groups.length;
  const other =
    released.other === null || tampered || (released.other > 0 && released.other < minimumDonorGroup)
      ? null
      : released.other;
  return { groups, other };
}

/** What the breakdowns endpoint says of donor geography: the latest release, or nothing before the first. */
export function publicGeography(release: GeographyRelease | null): PublicGeography {
  const residence = dimension(release?.residence);
  const heritage = dimension(release?.heritage);
  return {
    minimumGroup: minimumDonorGroup,
    release: release?.release ?? null,
    releasedAt: release?.releasedAt ?? null,
    byResidence: residence.groups,
    byHeritage: heritage.groups,
    otherResidence: residence.other,
    otherHeritage: heritage.other,
  };
}
