import {
  envelope,
  publicDisplayName,
  type EventOf,
  type GeographyDimension,
  type topics,
} from '@aid/contracts';
import { derivedEventId } from '../domain/derived-id.ts';
import type { DisputeRecord, Donation, SettledChange } from '../domain/donation.ts';
import type { Announcement } from '../domain/webhook-decisions.ts';

export const eventSource = '/services/donation';

type DonationEventOf<Type extends string> = Extract<EventOf<typeof topics.donation>, { type: Type }>;
type DonationSucceededEvent = DonationEventOf<'org.diaspora-aid.donation.succeeded'>;

/**
 * One donation succeeds once, so its announcement has one id, derived from the donation: whatever happens to the
 * write that queued it (a retried webhook, a lost update on a store without atomic conditional updates), every
 * copy is the same event and consumers drop repeats by id. Shaped as a UUIDv7 (RFC 9562 section 5.7) so it
 * passes the envelope's id check: the payment time in the 48-bit timestamp, the rest from a hash of the donation id.
 */
export function succeededEventId(donationId: string, at: Date): string {
  return derivedEventId(`donation.succeeded:${donationId}`, at);
}

/**
 * The public announcement of a gift. The donor appears by the random public reference and their name only if
 * they chose to show it (cleaned again: a name stored before names were cleaned must not reach the permanent
 * record as it was); never their email, and never their countries, which are counted only in aggregates (see
 * donor-geography.ts).
 */
export function donationSucceededEvent(donation: Donation, settled: SettledChange): DonationSucceededEvent {
  return envelope({
    id: succeededEventId(donation.id, settled.at),
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
        displayName: donation.showName ? publicDisplayName(donation.donor?.name ?? null) : null,
      },
      // Settled figures in the campaign's currency, as every consumer counts them; what the donor paid beside them.
      amount: settled.settledAmount,
      fee: settled.fee,
      net: settled.net,
      currency: donation.settlementCurrency,
      interval: donation.interval,
      succeededAt: settled.at.toISOString(),
      presented: { amount: donation.amount, currency: donation.currency },
      exchangeRate: settled.exchangeRate,
    },
  });
}

/** `amount` left the campaign's balance (settlement currency); `presented` went back to the donor's card. */
export function donationRefundedEvent(
  donation: Donation,
  refund: { refundId: string; amount: number; presented: number; at: Date },
): DonationEventOf<'org.diaspora-aid.donation.refunded'> {
  return envelope({
    id: derivedEventId(`donation.refunded:${donation.id}:${refund.refundId}`, refund.at),
    type: 'org.diaspora-aid.donation.refunded',
    source: eventSource,
    subject: donation.campaignId,
    time: refund.at,
    data: {
      donationId: donation.id,
      campaignId: donation.campaignId,
      refundId: refund.refundId,
      amount: refund.amount,
      currency: donation.settlementCurrency,
      refundedAt: refund.at.toISOString(),
      presented: { amount: refund.presented, currency: donation.currency },
    },
  });
}

/**
 * A counted refund that failed gives its money back; each Stripe refund fails once, so the fact is the donation
 * and the failed refund's id.
 */
export function donationRefundReversedEvent(
  donation: Donation,
  reversal: { refundId: string; amount: number; at: Date },
): DonationEventOf<'org.diaspora-aid.donation.refund-reversed'> {
  return envelope({
    id: derivedEventId(`donation.refund-reversed:${donation.id}:${reversal.refundId}`, reversal.at),
    type: 'org.diaspora-aid.donation.refund-reversed',
    source: eventSource,
    subject: donation.campaignId,
    time: reversal.at,
    data: {
      donationId: donation.id,
      campaignId: donation.campaignId,
      refundId: reversal.refundId,
      amount: reversal.amount,
      currency: donation.settlementCurrency,
      reversedAt: reversal.at.toISOString(),
    },
  });
}

export function donationDisputedEvent(
  donation: Donation,
  dispute: DisputeRecord,
): DonationEventOf<'org.diaspora-aid.donation.disputed'> {
  return envelope({
    id: derivedEventId(`donation.disputed:${donation.id}:${dispute.disputeId}`, dispute.openedAt),
    type: 'org.diaspora-aid.donation.disputed',
    source: eventSource,
    subject: donation.campaignId,
    time: dispute.openedAt,
    data: {
      donationId: donation.id,
      campaignId: donation.campaignId,
      disputeId: dispute.disputeId,
      amount: dispute.amount,
      currency: donation.settlementCurrency,
      disputedAt: dispute.openedAt.toISOString(),
    },
  });
}

export function donationDisputeClosedEvent(
  donation: Donation,
  dispute: DisputeRecord & { status: 'won' | 'lost'; closedAt: Date },
): DonationEventOf<'org.diaspora-aid.donation.dispute-closed'> {
  return envelope({
    id: derivedEventId(`donation.dispute-closed:${donation.id}:${dispute.disputeId}`, dispute.closedAt),
    type: 'org.diaspora-aid.donation.dispute-closed',
    source: eventSource,
    subject: donation.campaignId,
    time: dispute.closedAt,
    data: {
      donationId: donation.id,
      campaignId: donation.campaignId,
      disputeId: dispute.disputeId,
      outcome: dispute.status,
      amount: dispute.amount,
      currency: donation.settlementCurrency,
      closedAt: dispute.closedAt.toISOString(),
    },
  });
}

/** One release of a campaign's donor geography; a release number is decided once, so it has one event id. */
export function geographyReleasedEvent(
  campaignId: string,
  release: {
    release: number;
    minimumGroup: number;
    residence: GeographyDimension;
    heritage: GeographyDimension;
  },
  at: Date,
): DonationEventOf<'org.diaspora-aid.donation.geography-released'> {
  return envelope({
    id: derivedEventId(`donation.geography-released:${campaignId}:${release.release}`, at),
    type: 'org.diaspora-aid.donation.geography-released',
    source: eventSource,
    subject: campaignId,
    time: at,
    data: { campaignId, ...release, releasedAt: at.toISOString() },
  });
}

/** The public event a webhook decision announces (see webhook-decisions.ts). */
export function announcedEvent(announcement: Announcement): EventOf<typeof topics.donation> {
  switch (announcement.kind) {
    case 'succeeded':
      return donationSucceededEvent(announcement.about, announcement.change);
    case 'refunded':
      return donationRefundedEvent(announcement.about, announcement.refund);
    case 'refund-reversed':
      return donationRefundReversedEvent(announcement.about, announcement.reversal);
    case 'disputed':
      return donationDisputedEvent(announcement.about, announcement.dispute);
    case 'dispute-closed':
      return donationDisputeClosedEvent(announcement.about, announcement.dispute);
    default: {
      const unknown: never = announcement;
      throw new Error(`unhandled announcement ${(unknown as { kind: string }).kind}`);
    }
  }
}
