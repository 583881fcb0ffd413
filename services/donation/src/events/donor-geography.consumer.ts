import type { DonationEvent } from '@aid/contracts';
import { countDonorGeography, type GeographyDeps } from '../use-cases/count-donor-geography.ts';

/**
 * Follows this service's own announcements of succeeded gifts to count consenting donors by country. It runs
 * from the topic rather than inside the webhook batch so that the batch's one write stays as it is; redelivery
 * is harmless (a donor counts once, a release is decided once per number). A partition's batch of events is
 * counted together: counting commutes, so a campaign's donors of the batch take one write.
 */
export function donorGeographyHandler(deps: GeographyDeps) {
  return async (events: readonly DonationEvent[]): Promise<void> => {
    const succeeded: string[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'org.diaspora-aid.donation.succeeded':
          succeeded.push(event.data.donationId);
          break;
        // A refunded or disputed donor still gave: they stay counted, as they stay in the gift count.
        case 'org.diaspora-aid.donation.refunded':
        case 'org.diaspora-aid.donation.refund-reversed':
        case 'org.diaspora-aid.donation.disputed':
        case 'org.diaspora-aid.donation.dispute-closed':
        case 'org.diaspora-aid.donation.geography-released':
          break;
        default: {
          const unhandled: never = event;
          throw new Error(`unhandled donation event ${(unhandled as { type: string }).type}`);
        }
      }
    }
    await countDonorGeography(deps, succeeded);
  };
}
