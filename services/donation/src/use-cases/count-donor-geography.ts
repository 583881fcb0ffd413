import type { Logger } from '@aid/telemetry';
import type { DonationStore } from '../store/donation.store.ts';
import type { CountedCountries, DonorGeographyStore } from '../store/donor-geography.store.ts';

export interface GeographyDeps {
  donations: Pick<DonationStore, 'find'>;
  geography: DonorGeographyStore;
  now(): Date;
  outboxQueued(): void;
  logger: Logger;
}

/**
 * Gifts succeeded: each consenting donor is counted in their campaign's donor geography (once per campaign), a
 * campaign's donors of the group in one write, and a release is queued when enough new donors were counted. The
 * countries come from the gifts' private records here, never from the events, which carry none.
 */
export async function countDonorGeography(
  deps: GeographyDeps,
  donationIds: readonly string[],
): Promise<void> {
  const byCampaign = new Map<string, ({ donorKey: string } & CountedCountries)[]>();
  for (const donationId of donationIds) {
    const donation = await deps.donations.find(donationId);
    if (!donation?.geographyConsent || !donation.donorKey) continue;
    byCampaign.set(donation.campaignId, [
      ...(byCampaign.get(donation.campaignId) ?? []),
      {
        donorKey: donation.donorKey,
        residence: donation.countryOfResidence,
        heritage: donation.countryOfHeritage,
      },
    ]);
  }
  for (const [campaignId, donors] of byCampaign) {
    const counted = await deps.geography.countDonors(campaignId, donors);
    const release = await deps.geography.releaseIfDue(campaignId, deps.now());
    if (release !== null) {
      deps.logger.info({ campaignId, release }, 'donor geography released');
      deps.outboxQueued();
    }
    if (counted < donors.length)
      deps.logger.debug(
        { campaignId, already: donors.length - counted },
        'donors already counted in this campaign',
      );
  }
}
