import { amountSchema, currencySchema } from '@aid/money';
import { z } from 'zod';
import { eventSchema } from './envelope.ts';
import {
  evidenceSchema,
  idSchema,
  recordedLocationSchema,
  recordedRecipientSchema,
} from './shared-schemas.ts';

const base = {
  disbursementId: idSchema,
  campaignId: idSchema,
};

export const disbursementRequested = eventSchema(
  'org.diaspora-aid.disbursement.requested',
  z.object({
    ...base,
    organizationId: idSchema,
    amount: amountSchema,
    currency: currencySchema,
    recipient: recordedRecipientSchema,
    purpose: z.string(),
    sector: z.string(),
    requestedBy: idSchema,
    requestedAt: z.iso.datetime(),
  }),
);

export const disbursementApproved = eventSchema(
  'org.diaspora-aid.disbursement.approved',
  z.object({
    ...base,
    amount: amountSchema,
    currency: currencySchema,
    recipient: recordedRecipientSchema,
    purpose: z.string(),
    sector: z.string(),
    approvedBy: idSchema,
    approvedAt: z.iso.datetime(),
  }),
);

export const disbursementRejected = eventSchema(
  'org.diaspora-aid.disbursement.rejected',
  z.object({ ...base, rejectedBy: idSchema, comment: z.string(), rejectedAt: z.iso.datetime() }),
);

/** One gift's share of an approved disbursement: the link a receipt code follows to the aid it paid for. */
export const fundsAllocated = eventSchema(
  'org.diaspora-aid.disbursement.allocated',
  z.object({
    ...base,
    donationId: idSchema,
    amount: amountSchema,
    currency: currencySchema,
    allocatedAt: z.iso.datetime(),
  }),
);

export const disbursementPaid = eventSchema(
  'org.diaspora-aid.disbursement.paid',
  z.object({
    ...base,
    amount: amountSchema,
    currency: currencySchema,
    reference: z.string(),
    /** How the money moved; absent on events from before Stripe Connect payouts (all manual). */
    method: z.enum(['manual', 'stripe-connect']).optional(),
    recipient: recordedRecipientSchema,
    paidAt: z.iso.datetime(),
  }),
);

export const deliveryReported = eventSchema(
  'org.diaspora-aid.disbursement.delivered',
  z.object({
    ...base,
    deliveryId: idSchema,
    deliveredAt: z.iso.datetime(),
    beneficiaries: z.number().int().nonnegative(),
    description: z.string(),
    location: recordedLocationSchema,
    evidence: z.array(evidenceSchema),
    reportedAt: z.iso.datetime(),
  }),
);

/**
 * A disbursement withdrawn before payout. When it had been approved, its reservation is released: the account's
 * allocated money goes back to available, and each gift's slice (listed in `released`) becomes spendable again.
 */
export const disbursementCancelled = eventSchema(
  'org.diaspora-aid.disbursement.cancelled',
  z.object({
    ...base,
    amount: amountSchema,
    currency: currencySchema,
    cancelledBy: idSchema,
    comment: z.string(),
    /** Status the disbursement was cancelled from; only `approved` had reserved money. */
    from: z.enum(['requested', 'approved']),
    released: z.array(z.object({ donationId: idSchema, amount: amountSchema })),
    cancelledAt: z.iso.datetime(),
  }),
);

export const disbursementEventSchema = z.discriminatedUnion('type', [
  disbursementRequested,
  disbursementApproved,
  disbursementRejected,
  fundsAllocated,
  disbursementPaid,
  deliveryReported,
  disbursementCancelled,
]);
export type DisbursementEvent = z.infer<typeof disbursementEventSchema>;
