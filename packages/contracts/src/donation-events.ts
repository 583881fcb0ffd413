import { amountSchema, currencySchema } from '@aid/money';
import { z } from 'zod';
import { eventSchema } from './envelope.ts';
import { idSchema, recordedCountryCodeSchema } from './shared-schemas.ts';

/** What the public may know of a donor: a random reference, and a name or countries only by their choice. */
export const publicDonorSchema = z.object({
  publicRef: z.string().regex(/^d_[0-9a-f]{24}$/),
  displayName: z.string().nullable(),
  countryOfResidence: recordedCountryCodeSchema.nullable(),
  countryOfHeritage: recordedCountryCodeSchema.nullable(),
});
export type PublicDonor = z.infer<typeof publicDonorSchema>;

export const donationSucceeded = eventSchema(
  'org.diaspora-aid.donation.succeeded',
  z.object({
    donationId: idSchema,
    campaignId: idSchema,
    receiptHash: z.string().regex(/^[0-9a-f]{64}$/),
    donor: publicDonorSchema,
    amount: amountSchema,
    fee: amountSchema,
    net: amountSchema,
    currency: currencySchema,
    interval: z.enum(['once', 'month']),
    succeededAt: z.iso.datetime(),
  }),
);

export const donationRefunded = eventSchema(
  'org.diaspora-aid.donation.refunded',
  z.object({
    donationId: idSchema,
    campaignId: idSchema,
    refundId: z.string().min(1),
    amount: amountSchema,
    currency: currencySchema,
    refundedAt: z.iso.datetime(),
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

export const donationEventSchema = z.discriminatedUnion('type', [
  donationSucceeded,
  donationRefunded,
  donationRefundReversed,
  donationDisputed,
  donationDisputeClosed,
]);
export type DonationEvent = z.infer<typeof donationEventSchema>;
