import { createHmac, hkdfSync } from 'node:crypto';
import type { GeographyDimension } from '@aid/contracts';

/** No published number of donors is smaller than this (k-anonymity over distinct donors). */
export const minimumDonorGroup = 5;

/**
 * The private key that tells one donor from another within a campaign: an HMAC of the normalized email under a
 * server secret. The same person giving monthly, or several times, is one donor; the key differs between
 * campaigns, so it cannot link a donor's campaigns, and without the secret it cannot be computed from an email.
 * It never leaves this service.
 */
export type DonorKeyOf = (campaignId: string, email: string) => string;

export function donorKeyer(secret: Buffer): DonorKeyOf {
  return (campaignId, email) =>
    createHmac('sha256', secret)
      .update(`${campaignId}\n${normalizedEmail(email)}`)
      .digest('hex');
}

/** The donor-key secret, derived from the donor data key so that no new setting is needed (RFC 5869). */
export function donorKeySecret(donorDataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', donorDataKey, Buffer.alloc(0), 'diaspora-aid donor key v1', 32));
}

/** Email addresses compare case-insensitively in practice (RFC 5321 leaves the local part to the host; none we know of distinguishes case). */
export function normalizedEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** Distinct consenting donors of a campaign counted so far, by country, and how many the last release covered. */
export interface GeographyCounts {
  donors: number;
  residence: Record<string, number>;
  heritage: Record<string, number>;
  releasedDonors: number;
  release: number;
}

export const noGeography: GeographyCounts = {
  donors: 0,
  residence: {},
  heritage: {},
  releasedDonors: 0,
  release: 0,
};

/**
 * What the public may see of one dimension. Countries with fewer than `k` donors are withheld into `other`. The
 * rest must not be subtractable: if `other` is between 1 and k − 1 while other numbers are shown, the smallest
 * shown countries are merged into it until it reaches k (secondary suppression); if nothing is left to merge,
 * `other` is null (not published). So every published number, `other` included, is 0 or at least k, and the
 * sum of what is shown never reveals a smaller group.
 */
export function publishableDimension(
  counts: Record<string, number>,
  k = minimumDonorGroup,
): GeographyDimension {
  const groups = Object.entries(counts)
    .filter(([, donors]) => donors > 0)
    .map(([country, donors]) => ({ country, donors }))
    .sort((a, b) => b.donors - a.donors || a.country.localeCompare(b.country));
  const shown = groups.filter((group) => group.donors >= k);
  let other = groups.filter((group) => group.donors < k).reduce((sum, group) => sum + group.donors, 0);
  while (other > 0 && other < k && shown.length > 0) other += shown.pop()?.donors ?? 0;
  return { groups: shown, other: other > 0 && other < k ? null : other };
}

/**
 * A release is due once at least k donors were counted since the last one: two consecutive releases then
 * differ by at least k donors, so watching the figures change beside the public entries cannot single out a gift.
 */
export function releaseDue(counts: GeographyCounts, k = minimumDonorGroup): boolean {
  return counts.donors - counts.releasedDonors >= k;
}

export function releaseOf(
  counts: GeographyCounts,
  k = minimumDonorGroup,
): { release: number; minimumGroup: number; residence: GeographyDimension; heritage: GeographyDimension } {
  return {
    release: counts.release + 1,
    minimumGroup: k,
    residence: publishableDimension(counts.residence, k),
    heritage: publishableDimension(counts.heritage, k),
  };
}
