import type { Logger } from '@aid/telemetry';
import type { DonationStore } from '../store/donation.store.ts';
import type { DonorGeographyStore } from '../store/donor-geography.store.ts';

export interface GeographyDeps {
  donations: Pick<DonationStore, 'current'>;
  geography: DonorGeographyStore;
  now(): Date;
  outboxQueued(): void;
  logger: Logger;
}

/**
 * A gift succeeded: if its donor consented, they are counted in the campaign's donor geography (once per
 * campaign), and a release is queued when enough new donors were counted. The countries come from the gift's
 * private record here, never from the event, which carries none.
 */
export async function countDonorGeography(deps: GeographyDeps, donationId: string): Promise<void> {
  const donation = await deps.donations.current(donationId);
  if (!donation?.geographyConsent || !donation.donorKey) return;
  const counted = await deps.geography.countDonor(donation.campaignId, donation.donorKey, {
    residence: donation.countryOfResidence,
    heritage: donation.countryOfHeritage,
  });
  const release = await deps.geography.releaseIfDue(donation.campaignId, deps.now());
  if (release !== null) {
    deps.logger.info({ campaignId: donation.campaignId, release }, 'donor geography released');
    deps.outboxQueued();
  }
  if (!counted) deps.logger.debug({ donationId }, 'donor already counted in this campaign');
}
