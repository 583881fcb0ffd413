import {
  auditPageSchema,
  auditQuerySchema,
  disbursementTotalsSchema,
  evidenceSchema,
  fundsAccountSchema,
  idSchema,
  locationSchema,
  recipientSchema,
} from '@aid/contracts';
import { amountSchema, currencySchema, positiveAmountSchema } from '@aid/money';
import { z } from 'zod';
import { auditActions } from '../domain/audit.ts';
import { disbursementStatuses } from '../domain/disbursement.ts';
import { evidenceTypes } from '../domain/evidence.ts';

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

export const evidenceParams = z.object({ id: idSchema, evidenceId: idSchema });

/**
 * A manual payout names the bank reference; a Stripe Connect payout names the partner's connected account and
 * the transfer id becomes the reference. `method` defaults to manual, as before Connect existed.
 */
export const payoutBody = z
  .object({
    method: z.enum(['manual', 'stripe-connect']).default('manual'),
    reference: text(200).optional(),
    destination: z
      .string()
      .regex(/^acct_[A-Za-z0-9]+$/, 'must be a Stripe connected account id, acct_...')
      .optional(),
  })
  .superRefine((body, context) => {
    if (body.method === 'manual' && body.reference === undefined)
      context.addIssue({ code: 'custom', path: ['reference'], message: 'is required for a manual payout' });
    if (body.method === 'stripe-connect' && body.destination === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['destination'],
        message: 'is required for a Stripe Connect payout',
      });
    }
  })
  // The same rule, stated in the published schema (a refinement is invisible to it).
  .meta({
    anyOf: [
      { properties: { method: { const: 'manual' } }, required: ['reference'] },
      { properties: { method: { const: 'stripe-connect' } }, required: ['method', 'destination'] },
    ],
  });

export const evidenceQuery = z.object({ name: text(200).optional() });

export const evidenceResponse = z.object({
  id: idSchema,
  name: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  contentType: z.enum(evidenceTypes),
});

export const auditQuery = auditQuerySchema;

export const auditResponse = auditPageSchema(auditActions);

/** `{name, sha256}` for a file hashed elsewhere, or `{evidenceId}` for one uploaded here (we fill in both). */
const evidenceReference = z
  .object({
    name: evidenceSchema.shape.name.optional(),
    sha256: evidenceSchema.shape.sha256.optional(),
    evidenceId: idSchema.optional(),
  })
  .superRefine((entry, context) => {
    if (entry.evidenceId !== undefined) return;
    if (entry.name === undefined)
      context.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'is required unless evidenceId names an uploaded file',
      });
    if (entry.sha256 === undefined)
      context.addIssue({
        code: 'custom',
        path: ['sha256'],
        message: 'is required unless evidenceId names an uploaded file',
      });
  })
  .meta({ anyOf: [{ required: ['evidenceId'] }, { required: ['name', 'sha256'] }] })
  .transform((entry) =>
    entry.evidenceId !== undefined
      ? { evidenceId: entry.evidenceId }
      : { name: entry.name ?? '', sha256: entry.sha256 ?? '' },
  );

export const deliveryBody = z.object({
  deliveredAt: z.iso.datetime({ offset: true }),
  beneficiaries: z.number().int().nonnegative().max(1_000_000_000),
  description: text(2000),
  location: locationSchema,
  evidence: z.array(evidenceReference).max(100).default([]),
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
  evidence: z.array(evidenceSchema.extend({ evidenceId: idSchema.nullable() })),
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
  approvalsNeeded: z
    .number()
    .int()
    .min(1)
    .describe(
      "approvals it takes: one, or at or above the campaign's threshold as many as the organization asks for",
    ),
  rejection: z.object({ memberId: idSchema, comment: z.string(), at }).nullable(),
  payout: z
    .object({
      method: z.enum(['manual', 'stripe-connect']),
      reference: z.string(),
      destination: z.string().nullable(),
      paidAt: at,
      paidBy: idSchema,
    })
    .nullable(),
  cancellation: z
    .object({ memberId: idSchema, comment: z.string(), at, from: z.enum(['requested', 'approved']) })
    .nullable(),
  deliveries: z.array(deliveryResponse.omit({ disbursementId: true, campaignId: true })),
  allocations: z.array(z.object({ donationId: idSchema, amount: amountSchema })),
});

export const disbursementsQuery = z.object({
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).default(20),
  after: idSchema.optional(),
});

export const disbursementsResponse = z.object({
  disbursements: z.array(disbursementResponse),
  next: idSchema.nullable().describe('pass as `after` for the next page; null on the last page'),
});

export const fundsResponse = fundsAccountSchema;

// The public ledger's definitions, which differ from the account's where a refund took allocated money.
export const publicTotalsResponse = disbursementTotalsSchema;

export { problemDocumentSchema as problemResponse } from '@aid/http-kit';
