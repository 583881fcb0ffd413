import { currencySchema } from '@aid/money';
import { z } from 'zod';
import { idSchema } from './shared-schemas.ts';

// A figure may be negative: `net` of a gift the bank refunded in full is minus the fee the processor kept.
const minor = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().nonnegative();

/**
 * A campaign's money as the public record counts it, in minor units of the campaign's settlement currency. The
 * ledger publishes these, the donation and disbursement services report the ones their own state decides, and
 * reconciliation compares them field by field, so every one of them means the same everywhere.
 */
export const moneyFiguresShape = {
  raised: minor.describe('gross amount of the succeeded gifts'),
  fees: minor.describe('processor fees kept'),
  refunded: minor.describe(
    'every refund and lost dispute, net of refunds that failed at the bank, counted in full even when the money was already allocated',
  ),
  net: minor.describe(
    'raised − fees − refunded; below allocated only while refunds of allocated money are owed back',
  ),
  allocated: minor.describe('held by approved disbursements that were not cancelled'),
  paidOut: minor.describe('paid out to recipients'),
} as const;

export const moneyFiguresSchema = z.object(moneyFiguresShape);
export type MoneyFigures = z.infer<typeof moneyFiguresSchema>;

/** The ledger's public summary of one campaign (`GET /v1/campaigns/:id/summary` and the campaign list). */
export const campaignSummarySchema = z.object({
  campaignId: z.string(),
  currency: z
    .string()
    .nullable()
    .describe('the settlement currency; null before the campaign has money on the record'),
  ...moneyFiguresShape,
  delivered: minor.describe('reported delivered by recipients'),
  beneficiaries: count,
  gifts: count.describe('succeeded gifts, monthly installments each counted'),
  localShare: z.number().min(0).max(1).describe('share of paidOut that went to local recipients'),
  entries: count.describe('entries on the campaign’s log'),
  byPresentedCurrency: z
    .array(z.object({ currency: z.string(), gifts: count, amount: minor, refunded: minor }))
    .describe(
      'gifts by the currency donors paid in (counts, and totals in minor units of that currency); every other figure is in `currency`, the settlement currency',
    ),
});
export type CampaignSummary = z.infer<typeof campaignSummarySchema>;

/** The donation service's own totals of a campaign (`GET /v1/campaigns/:id/totals` there), for reconciliation. */
export const donationTotalsSchema = z.object({
  campaignId: z.string(),
  currency: currencySchema.describe('the campaign’s currency; every figure is in its minor units'),
  gifts: count.describe('succeeded gifts, monthly installments each counted'),
  raised: moneyFiguresShape.raised,
  fees: moneyFiguresShape.fees,
  refunded: moneyFiguresShape.refunded,
  net: moneyFiguresShape.net,
  disputed: minor.describe('held by disputes still open'),
  refundsReversed: minor.describe(
    'refunds that failed at the bank after being counted, given back to the campaign (already taken off refunded)',
  ),
});
export type DonationTotals = z.infer<typeof donationTotalsSchema>;

/** The disbursement service's totals of a campaign by the public record's definitions, for reconciliation. */
export const disbursementTotalsSchema = z.object({
  campaignId: idSchema,
  currency: currencySchema,
  ...moneyFiguresShape,
  refundShortfall: minor.describe(
    'of refunded, the money its gift no longer held: already allocated to aid, or the fee the processor kept',
  ),
});
export type DisbursementTotals = z.infer<typeof disbursementTotalsSchema>;

/**
 * A campaign's funds account as its organization sees it (`GET /v1/campaigns/:id/funds` on the disbursement
 * service). Its `refunded` and `net` are the account's: refunds taken off unallocated money only, the rest kept
 * as `refundShortfall`.
 */
export const fundsAccountSchema = z.object({
  campaignId: idSchema,
  currency: currencySchema,
  raised: count,
  fees: count,
  refunded: count.describe('refunds taken off money not yet allocated'),
  net: count.describe('raised − fees − refunded'),
  allocated: count,
  paidOut: count,
  available: count.describe('what may still be reserved: net − refundShortfall − allocated, never below 0'),
  overAllocated: count.describe(
    'allocated beyond net − refundShortfall: refunds of allocated money nothing else could cover, owed back by the organization',
  ),
  refundShortfall: count.describe(
    'refunded money its gift no longer held: already allocated to aid, or the fee the processor kept',
  ),
});
export type FundsAccount = z.infer<typeof fundsAccountSchema>;
