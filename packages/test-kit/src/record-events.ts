import { envelope, newId, receiptCodeHash, type AnyEvent, type CampaignSnapshot } from '@aid/contracts';
import { campaignSnapshotFixture } from './fixtures.ts';

/** Builders of valid events on a fixed clock, with overrides: what the ledger records and the web shows. */
export const campaignSnapshot = campaignSnapshotFixture;

const at = (minute: number) => new Date(Date.UTC(2026, 0, 2, 0, minute));

export function campaignPublished(snapshot: CampaignSnapshot): AnyEvent {
  return envelope({
    type: 'org.diaspora-aid.campaign.published',
    source: '/services/campaign',
    subject: snapshot.campaignId,
    time: at(0),
    data: { campaign: snapshot },
  });
}

export interface GiftOverrides {
  donationId?: string;
  amount?: number;
  fee?: number;
  receiptCode?: string;
  /** Minutes after 2026-01-02T00:00Z; 1440 and more fall on later UTC days. */
  minute?: number;
  /** Countries make the gift look as gifts were announced before geography became release-only. */
  donor?: { publicRef?: string; countryOfResidence?: string | null; countryOfHeritage?: string | null };
  /** A gift paid in the donor's currency and settled into USD at Stripe's rate. */
  presented?: { amount: number; currency: string };
  exchangeRate?: string | null;
}

/** A donor's public reference: `d_` and 24 hex digits. */
export const donorRef = (seed: number) => `d_${seed.toString(16).padStart(24, '0')}`;

export function giftSucceeded(campaignId: string, overrides: GiftOverrides = {}): AnyEvent {
  const amount = overrides.amount ?? 2500;
  const fee = overrides.fee ?? 100;
  return envelope({
    type: 'org.diaspora-aid.donation.succeeded',
    source: '/services/donation',
    subject: campaignId,
    time: at(overrides.minute ?? 1),
    data: {
      donationId: overrides.donationId ?? newId(),
      campaignId,
      receiptHash: receiptCodeHash(overrides.receiptCode ?? newId()),
      donor: { publicRef: `d_${'ab'.repeat(12)}`, displayName: null, ...overrides.donor },
      amount,
      fee,
      net: amount - fee,
      currency: 'USD',
      interval: 'once' as const,
      succeededAt: at(overrides.minute ?? 1).toISOString(),
      ...(overrides.presented ? { presented: overrides.presented } : {}),
      ...(overrides.exchangeRate !== undefined ? { exchangeRate: overrides.exchangeRate } : {}),
    },
  });
}

/** A counted refund of a gift, and the event that gives it back when it fails at the bank. */
export function refundPair(campaignId: string, donationId: string, amount: number) {
  const base = { donationId, campaignId, amount, currency: 'USD' };
  return {
    refunded: envelope({
      type: 'org.diaspora-aid.donation.refunded',
      source: '/services/donation',
      subject: campaignId,
      time: at(20),
      data: { ...base, refundId: `ch_1:refunded-to:${amount}`, refundedAt: at(20).toISOString() },
    }),
    reversed: envelope({
      type: 'org.diaspora-aid.donation.refund-reversed',
      source: '/services/donation',
      subject: campaignId,
      time: at(21),
      data: { ...base, refundId: 're_1', reversedAt: at(21).toISOString() },
    }),
  };
}

export function disbursementChain(campaignId: string, donationId: string, amount: number, local = true) {
  const disbursementId = newId();
  const recipient = { name: 'Hyderabad Water Committee', country: 'PK', local };
  const base = { disbursementId, campaignId };
  return {
    disbursementId,
    approved: envelope({
      type: 'org.diaspora-aid.disbursement.approved',
      source: '/services/disbursement',
      subject: campaignId,
      time: at(10),
      data: {
        ...base,
        amount,
        currency: 'USD',
        recipient,
        purpose: 'Water filters',
        sector: 'WASH',
        approvedBy: 'm2',
        approvedAt: at(10).toISOString(),
      },
    }),
    allocated: envelope({
      type: 'org.diaspora-aid.disbursement.allocated',
      source: '/services/disbursement',
      subject: campaignId,
      time: at(10),
      data: { ...base, donationId, amount, currency: 'USD', allocatedAt: at(10).toISOString() },
    }),
    paid: envelope({
      type: 'org.diaspora-aid.disbursement.paid',
      source: '/services/disbursement',
      subject: campaignId,
      time: at(11),
      data: {
        ...base,
        amount,
        currency: 'USD',
        reference: 'BANK-REF-1',
        recipient,
        paidAt: at(11).toISOString(),
      },
    }),
    delivered: (beneficiaries: number) =>
      envelope({
        type: 'org.diaspora-aid.disbursement.delivered',
        source: '/services/disbursement',
        subject: campaignId,
        time: at(12),
        data: {
          ...base,
          deliveryId: newId(),
          deliveredAt: at(12).toISOString(),
          beneficiaries,
          description: '120 household water filters',
          location: { country: 'PK', area: 'Dadu district' },
          evidence: [{ name: 'receipt.pdf', sha256: 'a'.repeat(64) }],
          reportedAt: at(12).toISOString(),
        },
      }),
  };
}

/** A donor geography release as the donation service publishes it. */
export function geographyReleased(
  campaignId: string,
  release: number,
  dimensions: {
    residence: { groups: { country: string; donors: number }[]; other: number | null };
    heritage: { groups: { country: string; donors: number }[]; other: number | null };
  },
  minute = 30,
): AnyEvent {
  return envelope({
    type: 'org.diaspora-aid.donation.geography-released',
    source: '/services/donation',
    subject: campaignId,
    time: at(minute),
    data: { campaignId, release, minimumGroup: 5, ...dimensions, releasedAt: at(minute).toISOString() },
  });
}
