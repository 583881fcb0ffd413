import type { Logger } from '@aid/telemetry';
import type { Donation } from '../domain/donation.ts';
import type { CountedCountries, DonorGeographyStore } from '../store/donor-geography.store.ts';

export interface GeographyDeps {
  geography: DonorGeographyStore;
  now(): Date;
  outboxQueued(): void;
  logger: Logger;
}

/** A consenting donor of a gift that succeeded, as the campaign's donor geography counts them. */
export interface GiftDonor extends CountedCountries {
  campaignId: string;
  donorKey: string;
}

/**
 * The donor a succeeded gift counts in its campaign's donor geography, from the gift's private record (events
 * carry no country): none without consent, and none once the donor's personal data was erased.
 */
export function donorOfGift(gift: Donation): GiftDonor | null {
  if (!gift.geographyConsent || !gift.donorKey) return null;
  return {
    campaignId: gift.campaignId,
    donorKey: gift.donorKey,
    residence: gift.countryOfResidence,
    heritage: gift.countryOfHeritage,
  };
}

/**
 * Counts consenting donors once per campaign, a campaign's donors in one write, and queues a release when enough
 * new donors were counted. Counting again is harmless (a donor counts once, a release is decided once per
 * number), so whoever owes a gift's effects again may count its donor again.
 */
export async function countDonorGeography(deps: GeographyDeps, donors: readonly GiftDonor[]): Promise<void> {
  const byCampaign = new Map<string, GiftDonor[]>();
  for (const donor of donors) {
    const ofCampaign = byCampaign.get(donor.campaignId);
    if (ofCampaign) ofCampaign.push(donor);
    else byCampaign.set(donor.campaignId, [donor]);
  }
  for (const [campaignId, ofCampaign] of byCampaign) {
    const counted = await deps.geography.countDonors(campaignId, ofCampaign);
    const release = await deps.geography.releaseIfDue(campaignId, deps.now());
    if (release !== null) {
      deps.logger.info({ campaignId, release }, 'donor geography released');
      deps.outboxQueued();
    }
    if (counted < ofCampaign.length)
      deps.logger.debug(
        { campaignId, already: ofCampaign.length - counted },
        'donors already counted in this campaign',
      );
  }
}
