import { amountSchema, currencySchema } from '@aid/money';
import { z } from 'zod';
import { eventSchema } from './envelope.ts';
import { idSchema, recordedCountryCodeSchema } from './shared-schemas.ts';

/**
 * What the public may know of a donor: a random reference, and a name only by their choice. Gifts announced
 * before donor geography became aggregate-only also carried the donor's countries; those events are still
 * consumed as they are (the fields stay, optional), but no gift announces countries any more.
 */
export const publicDonorSchema = z.object({
  publicRef: z.string().regex(/^d_[0-9a-f]{24}$/),
  displayName: z.string().nullable(),
  countryOfResidence: recordedCountryCodeSchema.nullable().optional(),
  countryOfHeritage: recordedCountryCodeSchema.nullable().optional(),
});
export type PublicDonor = z.infer<typeof publicDonorSchema>;

/** Donors counted in one country, never fewer than the release's `minimumGroup`. */
const countryGroupSchema = z.object({
  country: recordedCountryCodeSchema,
  donors: z.number().int().positive(),
});

/**
 * One dimension (residence or heritage) of a geography release: the countries with at least `minimumGroup`
 * distinct donors, and how many donors are in the other countries together, null when that rest is suppressed
 * (between 1 and `minimumGroup` − 1 with no group to merge into it).
 */
const geographyDimensionSchema = z.object({
  groups: z.array(countryGroupSchema),
  other: z.number().int().nonnegative().nullable(),
});
export type GeographyDimension = z.infer<typeof geographyDimensionSchema>;

/**
 * What the donor's card was charged, in the donor's currency, when that is not the campaign's. Stripe converts it
 * and the settled figures (`amount`, `fee`, `net`, `currency`) are what reached the campaign's balance.
 */
export const presentedMoneySchema = z.object({ amount: amountSchema, currency: currencySchema });

/** Stripe's exchange rate as it gives it (settlement units per presented unit), as a decimal string. */
export const exchangeRateSchema = z
  .string()
  .regex(/^\d+(\.\d+)?(e-?\d+)?$/, 'must be a positive decimal such as 1.0821');

export const donationSucceeded = eventSchema(
  'org.diaspora-aid.donation.succeeded',
  z.object({
    donationId: idSchema,
    campaignId: idSchema,
    receiptHash: z.string().regex(/^[0-9a-f]{64}$/),
    donor: publicDonorSchema,
    /** Settled in the campaign's currency, from the charge's balance transaction. */
    amount: amountSchema,
    fee: amountSchema,
    net: amountSchema,
    currency: currencySchema,
    interval: z.enum(['once', 'month']),
    succeededAt: z.iso.datetime(),
    /** Absent on gifts announced before donors could pay in their own currency: then it equals the settled amount. */
    presented: presentedMoneySchema.optional(),
    /** Null when the gift was not converted; absent on older gifts. */
    exchangeRate: exchangeRateSchema.nullable().optional(),
  }),
);

export const donationRefunded = eventSchema(
  'org.diaspora-aid.donation.refunded',
  z.object({
    donationId: idSchema,
    campaignId: idSchema,
    refundId: z.string().min(1),
    /** What left the campaign's balance, in its currency, from the refund's balance transaction. */
    amount: amountSchema,
    currency: currencySchema,
    refundedAt: z.iso.datetime(),
    /** What went back to the donor's card, in the currency they paid in; absent on older refunds. */
    presented: presentedMoneySchema.optional(),
  }),
);

/**
 * A counted refund failed at the bank or was canceled after Stripe had reported it: the money never left the
 * campaign, so `amount` goes back on the gift. `refundId` is the payment processor's id of the failed refund.
 */
export const donationRefundReversed = eventSchema(
  'org.diaspora-aid.donation.refund-reversed',
  z.object({
    donationId: idSchema,
    campaignId: idSchema,
    refundId: z.string().min(1),
    amount: amountSchema,
    currency: currencySchema,
    reversedAt: z.iso.datetime(),
  }),
);

/** A bank dispute (chargeback) opened: Stripe holds `amount` until the dispute closes. */
export const donationDisputed = eventSchema(
  'org.diaspora-aid.donation.disputed',
  z.object({
    donationId: idSchema,
    campaignId: idSchema,
    disputeId: z.string().min(1),
    amount: amountSchema,
    currency: currencySchema,
    disputedAt: z.iso.datetime(),
  }),
);

/** A dispute closed: `won` releases the held money, `lost` takes `amount` away like a refund. */
export const donationDisputeClosed = eventSchema(
  'org.diaspora-aid.donation.dispute-closed',
  z.object({
    donationId: idSchema,
    campaignId: idSchema,
    disputeId: z.string().min(1),
    outcome: z.enum(['won', 'lost']),
    amount: amountSchema,
    currency: currencySchema,
    closedAt: z.iso.datetime(),
  }),
);

/**
 * The campaign's donor geography, as the donation service releases it: counts of distinct donors who consented
 * to being counted, by country of residence and of heritage, every published number covering at least
 * `minimumGroup` donors. A release replaces the one before (a higher `release` wins); no gift is named.
 */
export const donationGeographyReleased = eventSchema(
  'org.diaspora-aid.donation.geography-released',
  z.object({
    campaignId: idSchema,
    release: z.number().int().positive(),
    minimumGroup: z.number().int().min(2),
    residence: geographyDimensionSchema,
    heritage: geographyDimensionSchema,
    releasedAt: z.iso.datetime(),
  }),
);

export const donationEventSchema = z.discriminatedUnion('type', [
  donationSucceeded,
  donationRefunded,
  donationRefundReversed,
  donationDisputed,
  donationDisputeClosed,
  donationGeographyReleased,
]);
export type DonationEvent = z.infer<typeof donationEventSchema>;
