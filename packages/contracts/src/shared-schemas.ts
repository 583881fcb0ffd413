import { createHash } from 'node:crypto';
import { amountSchema, currencySchema } from '@aid/money';
import isoCountries from 'i18n-iso-countries';
import { z } from 'zod';

export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

/**
 * The ISO 3166-1 alpha-2 codes as the i18n-iso-countries package maintains them (the 249 officially assigned,
 * plus XK, Kosovo's user-assigned code that the UN, the EU and IATI use). `ZZ`, `AA` and other unassigned or
 * reserved pairs are not countries.
 */
const iso3166Alpha2 = new Set(Object.keys(isoCountries.getAlpha2Codes()));

/** Every assigned ISO 3166-1 alpha-2 code, sorted: what a country picker offers. */
export const countryCodes: readonly string[] = [...iso3166Alpha2].sort();

export function isCountryCode(code: string): boolean {
  return iso3166Alpha2.has(code);
}

const countryFormat = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in upper case, such as PK');

/**
 * A country given to any API: an assigned ISO 3166-1 alpha-2 code. Published as the enum of the codes accepted: a
 * refinement is invisible to the OpenAPI document, which would otherwise promise every pair of capital letters.
 */
export const countryCodeSchema = countryFormat
  .refine(isCountryCode, 'is not an ISO 3166-1 alpha-2 country code (such as PK or GB)')
  .meta({ enum: [...countryCodes] });

/**
 * A country on an event: checked against ISO 3166-1 when it was accepted. Events only check the format, so that
 * events recorded before that check (or after a code is withdrawn from the standard) are still consumed.
 */
export const recordedCountryCodeSchema = countryFormat;

export const organizationKinds = [
  'diaspora-association',
  'ngo',
  'local-partner',
  'foundation',
  'government',
] as const;
export const memberRoles = ['admin', 'approver', 'field-officer'] as const;
export const crisisKinds = [
  'flood',
  'earthquake',
  'drought',
  'storm',
  'conflict',
  'epidemic',
  'displacement',
  'food-insecurity',
  'other',
] as const;
export const campaignStatuses = ['draft', 'active', 'closed'] as const;

export type MemberRole = (typeof memberRoles)[number];
export type OrganizationKind = (typeof organizationKinds)[number];
export type CampaignStatus = (typeof campaignStatuses)[number];

/** GLIDE numbers identify disasters across agencies, e.g. FL-2022-000254-PAK (https://glidenumber.net). */
export const glideSchema = z
  .string()
  .regex(/^[A-Z]{2}-\d{4}-\d{6}-[A-Z]{3}$/, 'must be a GLIDE number such as FL-2022-000254-PAK');

const crisisOf = (country: typeof countryFormat) =>
  z.object({
    kind: z.enum(crisisKinds),
    countries: z.array(country).min(1, 'name at least one affected country').max(20),
    glide: glideSchema.optional(),
  });
const recipientOf = (country: typeof countryFormat) =>
  z.object({
    name: z.string().trim().min(1).max(200),
    country,
    local: z.boolean(),
  });
const locationOf = (country: typeof countryFormat) =>
  z.object({
    country,
    area: z.string().trim().min(1).max(200),
  });

/** As requests give them: every country an assigned ISO 3166-1 code. */
export const crisisSchema = crisisOf(countryCodeSchema);
export const recipientSchema = recipientOf(countryCodeSchema);
export const locationSchema = locationOf(countryCodeSchema);
/** As events carry them (see recordedCountryCodeSchema). */
export const recordedCrisisSchema = crisisOf(recordedCountryCodeSchema);
export const recordedRecipientSchema = recipientOf(recordedCountryCodeSchema);
export const recordedLocationSchema = locationOf(recordedCountryCodeSchema);

export const goalSchema = z.object({ amount: amountSchema, currency: currencySchema });

export const evidenceSchema = z.object({
  name: z.string().trim().min(1).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256 digest'),
});

/**
 * The canonical form of a receipt code as a person may type it (any case, spaces or dashes anywhere): 32
 * base32 characters in groups of four. Null when the text cannot be a receipt code.
 */
export function canonicalReceiptCode(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  if (compact.length !== 32 || !/^[A-Z2-7]+$/.test(compact)) return null;
  return compact.match(/.{4}/g)?.join('-') ?? null;
}

/**
 * The ledger and the events know a gift by this hash of its receipt code, never the code itself, so a leaked
 * database or topic reveals no receipt codes.
 */
export function receiptCodeHash(receiptCode: string): string {
  return createHash('sha256').update(`diaspora-aid:receipt:${receiptCode}`).digest('hex');
}

/** API keys are random 256-bit secrets, so one SHA-256 is enough to store them safely (no password stretching). */
export function apiKeyHash(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}
