import { countryCodeSchema, idSchema } from '@aid/contracts';
import { amountSchema, currencySchema, positiveAmountSchema } from '@aid/money';
import { z } from 'zod';
import { donationStatuses } from '../domain/donation.ts';

export const createDonationBody = z
  .object({
    campaignId: idSchema,
    amount: positiveAmountSchema,
    currency: currencySchema,
    donor: z.object({
      email: z.email({ error: 'must be an email address such as amina@example.org' }).max(254),
      name: z.string().trim().min(1).max(200).optional(),
    }),
    showName: z.boolean().default(false),
    countryOfResidence: countryCodeSchema.optional(),
    countryOfHeritage: countryCodeSchema.optional(),
    interval: z.enum(['once', 'month']).default('once'),
  })
  .superRefine((body, context) => {
    if (body.showName && !body.donor.name) {
      context.addIssue({ code: 'custom', path: ['donor', 'name'], message: 'give the name to show, or set showName to false' });
    }
  });

export type CreateDonationBody = z.infer<typeof createDonationBody>;

export const createDonationResponse = z.object({
  donationId: idSchema,
  clientSecret: z.string(),
  receiptCode: z.string(),
  status: z.literal('pending'),
});

export const donationParams = z.object({ id: idSchema });

export const donationResponse = z.object({
  id: idSchema,
  campaignId: idSchema,
  amount: amountSchema,
  currency: currencySchema,
  fee: amountSchema.nullable(),
  net: amountSchema.nullable(),
  status: z.enum(donationStatuses),
  interval: z.enum(['once', 'month']),
  publicRef: z.string(),
  showName: z.boolean(),
  countryOfResidence: countryCodeSchema.nullable(),
  countryOfHeritage: countryCodeSchema.nullable(),
  donor: z.object({ email: z.string(), name: z.string().nullable() }),
  createdAt: z.iso.datetime(),
  succeededAt: z.iso.datetime().nullable(),
});

export const webhookReceived = z.object({ received: z.literal(true) });

export { problemDocumentSchema as problemSchema } from '@aid/http-kit';
