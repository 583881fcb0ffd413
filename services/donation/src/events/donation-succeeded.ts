import { envelope, type EventOf, type topics } from '@aid/contracts';
import type { Donation, SettledChange } from '../domain/donation.ts';

export const eventSource = '/services/donation';

type DonationSucceededEvent = Extract<EventOf<typeof topics.donation>, { type: 'org.diaspora-aid.donation.succeeded' }>;

/**
 * The public announcement of a gift. The donor appears by the random public reference; their name only if
 * they chose to show it, their countries only if they gave them, and never their email.
 */
export function donationSucceededEvent(donation: Donation, settled: SettledChange): DonationSucceededEvent {
  return envelope({
    type: 'org.diaspora-aid.donation.succeeded',
    source: eventSource,
    subject: donation.campaignId,
    time: settled.at,
    data: {
      donationId: donation.id,
      campaignId: donation.campaignId,
      receiptHash: donation.receiptHash,
      donor: {
        publicRef: donation.publicRef,
        displayName: donation.showName ? donation.donor.name : null,
        countryOfResidence: donation.countryOfResidence,
        countryOfHeritage: donation.countryOfHeritage,
      },
      amount: donation.amount,
      fee: settled.fee,
      net: settled.net,
      currency: donation.currency,
      interval: donation.interval,
      succeededAt: settled.at.toISOString(),
    },
  });
}
