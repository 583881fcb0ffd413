import {
  countryCodeSchema,
  displayNameSchema,
  donationTotalsSchema,
  idSchema,
  maxDisplayNameLength,
  maxStackedMarks,
} from '@aid/contracts';
import { supportedLocaleOf, supportedLocales } from '@aid/i18n';
import { amountSchema, currencySchema, donorCurrencies, positiveAmountSchema } from '@aid/money';
import { z } from 'zod';
import { donationStatuses } from '../domain/donation.ts';

/** A BCP 47 tag in a language the platform speaks (`fr`, `fr-CA` and `ar-SY` are fine, as `fr`, `fr`, `ar`). */
export const donorLocaleSchema = z
  .string()
  .max(35)
  // A language, then an optional script and region (any case, as BCP 47 allows): the published pattern is exactly
  // what is accepted, and every tag it admits is one Intl reads.
  .regex(
    /^(?:[Ee][Nn]|[Ff][Rr]|[Aa][Rr]|[Uu][Rr]|[Ss][Oo]|[Ee][Ss]|[Uu][Kk]|[Hh][Tt])(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?$/,
    `must be a BCP 47 language tag in one of the supported languages: ${supportedLocales.join(', ')} (such as fr or fr-CA)`,
  )
  .transform((tag, context) => {
    const locale = supportedLocaleOf(tag);
    if (!locale) {
      context.addIssue({
        code: 'custom',
        message: `must be a BCP 47 language tag in one of the supported languages: ${supportedLocales.join(', ')}`,
      });
      return z.NEVER;
    }
    return locale;
  })
  .describe(
    `The donor's language for receipts (BCP 47), one of ${supportedLocales.join(', ')}; English when absent`,
  );
/** What a donor agrees to with `geographyConsent`, said the same way in the API description and the README. */
export const geographyPublished =
  'true lets the countries you give be counted in the campaign’s public donor geography: only the number of distinct donors per country, ' +
  'for countries with at least 5 such donors (the rest only as one "other" count, itself shown only when it is 5 or more), ' +
  'published in batches of at least 5 newly counted donors so no single gift can be told apart. ' +
  'Your countries never appear on your gift’s public entry and are never sent to other services; each donor counts once per campaign, however often they give.';

export const createDonationBody = z
  .object({
    campaignId: idSchema,
    amount: positiveAmountSchema.describe(
      'what the donor’s card is charged, in minor units of `currency` (2500 EUR is 25.00 EUR, 3000 JPY is ¥3,000, 7500 KWD is 7.500 KWD)',
    ),
    currency: currencySchema.describe(
      `the donor’s currency: the campaign’s own, or one of ${donorCurrencies.join(', ')}. Stripe converts it into the campaign’s currency; ` +
        'the settled amount, fee and rate come from Stripe and are what the campaign counts. Any other currency is a 422 currency-mismatch',
    ),
    donor: z.object({
      // zod's email pattern, not JSON Schema's `email` format (which accepts other addresses): the spec states the pattern.
      email: z.string().regex(z.regexes.email, 'must be an email address such as amina@example.org').max(254),
      name: displayNameSchema
        .optional()
        .describe(
          `Checked as given (the pattern states it): at most ${maxDisplayNameLength} characters, at least one that is neither white space ` +
            `nor a control or format character, and at most ${maxStackedMarks} accents or marks in a row; a name that breaks a rule is refused (400), never cut. ` +
            'Then cleaned before it is kept: control and format characters (bidirectional overrides among them) removed, white space runs as one space, NFC. ' +
            'Shown on the public record, forever, only when showName is true',
        ),
    }),
    showName: z
      .boolean()
      .default(false)
      .describe('true puts donor.name on the gift’s public ledger entry, which can never be removed'),
    geographyConsent: z
      .boolean()
      .default(false)
      .describe(
        `${geographyPublished} Off by default; countryOfResidence and countryOfHeritage are accepted only with it`,
      ),
    countryOfResidence: countryCodeSchema
      .optional()
      .describe('ISO 3166-1 alpha-2; needs geographyConsent, never published with the gift'),
    countryOfHeritage: countryCodeSchema
      .optional()
      .describe('ISO 3166-1 alpha-2; needs geographyConsent, never published with the gift'),
    interval: z.enum(['once', 'month']).default('once'),
    locale: donorLocaleSchema.optional(),
  })
  // The same rules as the refinement below, stated in the published schema.
  .meta({
    allOf: [
      {
        if: { properties: { showName: { const: true } }, required: ['showName'] },
        then: { properties: { donor: { required: ['name'] } } },
      },
      {
        if: { not: { properties: { geographyConsent: { const: true } }, required: ['geographyConsent'] } },
        then: { not: { anyOf: [{ required: ['countryOfResidence'] }, { required: ['countryOfHeritage'] }] } },
      },
    ],
  })
  .superRefine((body, context) => {
    if (body.showName && !body.donor.name) {
      context.addIssue({
        code: 'custom',
        path: ['donor', 'name'],
        message: 'give the name to show, or set showName to false',
      });
    }
    // Countries are kept only to be counted; without consent there is no reason to hold them.
    for (const field of ['countryOfResidence', 'countryOfHeritage'] as const) {
      if (body[field] !== undefined && !body.geographyConsent) {
        context.addIssue({
          code: 'custom',
          path: [field],
          message: 'is kept only to count donors by country: set geographyConsent to true, or leave it out',
        });
      }
    }
  })
  .describe(
    'What becomes public when the gift succeeds: one entry on the campaign’s public ledger, forever, with the amount, fee, net, currency, ' +
      'time, interval, a random public reference and, only with showName, donor.name. Never the email, and never the countries: with ' +
      'geographyConsent they are only counted in the campaign’s donor geography (distinct donors per country, groups of at least 5).',
  );

export type CreateDonationBody = z.infer<typeof createDonationBody>;

export const createDonationResponse = z.object({
  donationId: idSchema,
  clientSecret: z.string(),
  receiptCode: z.string(),
  status: z.literal('pending'),
});

export const donationParams = z.object({ id: idSchema });

export const receiptCodeHeaders = z.object({
  'x-receipt-code': z
    .string()
    .optional()
    .describe(
      'the receipt code given when the donation was made; without it, or with another gift’s code, the answer is 404 (nothing says whether the donation exists)',
    ),
});

export const stripeWebhookHeaders = z.object({
  'stripe-signature': z
    .string()
    .describe(
      'Stripe’s signature of the exact body with the webhook secret; a missing, wrong or expired one is a 400',
    ),
});

const refundSchema = z.object({
  refundId: z.string(),
  amount: amountSchema,
  status: z.enum(['pending', 'settled', 'failed']),
  at: z.iso.datetime(),
});

const disputeSchema = z.object({
  disputeId: z.string(),
  amount: amountSchema,
  status: z.enum(['open', 'won', 'lost']),
  openedAt: z.iso.datetime(),
  closedAt: z.iso.datetime().nullable(),
});

/** One gift given under the same receipt code (a monthly plan's installments). */
export const relatedGiftSchema = z.object({
  id: idSchema,
  amount: amountSchema,
  currency: currencySchema,
  fee: amountSchema.nullable(),
  net: amountSchema.nullable(),
  refunded: amountSchema,
  status: z.enum(donationStatuses),
  publicRef: z.string(),
  succeededAt: z.iso.datetime().nullable(),
});

/** How Stripe settled a gift into the campaign's currency. */
export const settlementSchema = z.object({
  currency: currencySchema.describe('the campaign’s currency'),
  amount: amountSchema
    .nullable()
    .describe(
      'what reached the campaign’s balance, from the charge’s balance transaction; null until the gift succeeded',
    ),
  exchangeRate: z
    .string()
    .nullable()
    .describe(
      'Stripe’s rate (settlement units per unit paid), null when the donor paid in the campaign’s currency',
    ),
  refunded: amountSchema.describe(
    'what refunds took off the balance, from their own balance transactions (at their day’s rate)',
  ),
  hold: z
    .string()
    .nullable()
    .describe('why a succeeded charge is held for an operator (status held) instead of counted'),
});

export const donationResponse = z.object({
  id: idSchema,
  campaignId: idSchema,
  amount: amountSchema.describe('what the donor paid, in minor units of `currency`'),
  currency: currencySchema.describe('the currency the donor paid in'),
  fee: amountSchema.nullable().describe('Stripe’s fee, in the settlement currency'),
  net: amountSchema.nullable().describe('settled amount − fee, in the settlement currency'),
  settlement: settlementSchema,
  status: z.enum(donationStatuses),
  interval: z.enum(['once', 'month']),
  publicRef: z.string(),
  showName: z.boolean(),
  geographyConsent: z.boolean(),
  countryOfResidence: countryCodeSchema.nullable(),
  countryOfHeritage: countryCodeSchema.nullable(),
  locale: z.enum(supportedLocales),
  donor: z
    .object({ email: z.string(), name: z.string().nullable() })
    .nullable()
    .describe('null once the donor had their personal data erased'),
  createdAt: z.iso.datetime(),
  succeededAt: z.iso.datetime().nullable(),
  refunded: amountSchema.describe('money given back to the donor so far, in the currency they paid in'),
  refunds: z.array(refundSchema),
  disputes: z.array(disputeSchema),
  subscriptionStatus: z.enum(['active', 'canceled']).nullable().describe('monthly plans only'),
  parentId: idSchema.nullable().describe('an installment names its monthly plan'),
  related: z.array(relatedGiftSchema).describe('the other gifts of this receipt code'),
  erased: z.boolean(),
});

/** The gifts of one receipt code, for the donor's own page (where a monthly gift is seen and stopped). */
export const receiptGiftsResponse = z.object({
  gifts: z.array(
    relatedGiftSchema.extend({
      campaignId: idSchema,
      interval: z.enum(['once', 'month']),
      subscriptionStatus: z.enum(['active', 'canceled']).nullable().describe('monthly plans only'),
      parentId: idSchema.nullable().describe('an installment names its monthly plan'),
      createdAt: z.iso.datetime(),
    }),
  ),
});

export const refundBody = z.object({
  amount: positiveAmountSchema
    .optional()
    .describe(
      'minor units of the currency the donor paid in (what Stripe’s Refunds API takes), not the campaign’s; the whole refundable amount when left out',
    ),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .optional()
    .describe(
      'the currency `amount` is in, checked against the gift’s: a refund typed in the wrong currency is refused, not converted',
    ),
  reason: z.string().trim().min(1).max(500).optional(),
});
export type RefundBody = z.infer<typeof refundBody>;

export const refundResponse = z.object({
  donationId: idSchema,
  refundId: z.string(),
  amount: amountSchema.describe(
    'in the currency the donor paid in; what it takes off the campaign is known when Stripe reports the refund',
  ),
  currency: currencySchema.describe('the currency the donor paid in'),
  status: z.literal('pending'),
});

export const cancelResponse = z.object({ donationId: idSchema, subscriptionStatus: z.literal('canceled') });

export const webhookReceived = z.object({ received: z.literal(true) });

export { problemDocumentSchema as problemSchema } from '@aid/http-kit';

export const campaignParams = z.object({ id: idSchema });

// Published from the contracts: the ledger's reconciliation reads these totals by the same schema.
export const campaignTotalsResponse = donationTotalsSchema;
