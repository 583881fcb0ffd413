import { evidenceSchema, idSchema, locationSchema, recipientSchema } from '@aid/contracts';
import { amountSchema, currencySchema, positiveAmountSchema } from '@aid/money';
import { z } from 'zod';
import { disbursementStatuses } from '../domain/disbursement.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const idParams = z.object({ id: idSchema });

export const requestBody = z.object({
  campaignId: idSchema,
  amount: positiveAmountSchema,
  currency: currencySchema,
  recipient: recipientSchema,
  purpose: text(1000),
  sector: text(100),
});

export const decisionBody = z.object({ comment: z.string().trim().max(2000).default('') });

export const payoutBody = z.object({ reference: text(200) });

export const deliveryBody = z.object({
  deliveredAt: z.iso.datetime({ offset: true }),
  beneficiaries: z.number().int().nonnegative().max(1_000_000_000),
  description: text(2000),
  location: locationSchema,
  evidence: z.array(evidenceSchema).max(100).default([]),
});

const at = z.iso.datetime();

export const deliveryResponse = z.object({
  id: idSchema,
  disbursementId: idSchema,
  campaignId: idSchema,
  deliveredAt: at,
  beneficiaries: z.number().int(),
  description: z.string(),
  location: locationSchema,
  evidence: z.array(evidenceSchema),
  reportedBy: idSchema,
  reportedAt: at,
});

export const disbursementResponse = z.object({
  id: idSchema,
  campaignId: idSchema,
  organizationId: idSchema,
  amount: amountSchema,
  currency: currencySchema,
  recipient: recipientSchema,
  purpose: z.string(),
  sector: z.string(),
  status: z.enum(disbursementStatuses),
  requestedBy: idSchema,
  requestedAt: at,
  approvals: z.array(z.object({ memberId: idSchema, comment: z.string(), at })),
  rejection: z.object({ memberId: idSchema, comment: z.string(), at }).nullable(),
  payout: z.object({ reference: z.string(), paidAt: at, paidBy: idSchema }).nullable(),
  deliveries: z.array(deliveryResponse.omit({ disbursementId: true, campaignId: true })),
  allocations: z.array(z.object({ donationId: idSchema, amount: amountSchema })),
});

export const fundsResponse = z.object({
  campaignId: idSchema,
  currency: currencySchema,
  raised: amountSchema,
  fees: amountSchema,
  refunded: amountSchema,
  net: amountSchema,
  allocated: amountSchema,
  paidOut: amountSchema,
  available: amountSchema,
  refundShortfall: amountSchema.describe('refunded money that had already been allocated to aid, owed back by the organization'),
});

export { problemDocumentSchema as problemResponse } from '@aid/http-kit';

