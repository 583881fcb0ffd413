import { defineRoute, type Route } from '@aid/http-kit';
import { z } from 'zod';
import { invariantNames } from '../domain/invariants.ts';
import { reconciledFields } from '../domain/reconciliation.ts';
import type { Reconciler } from './reconciler.ts';

const reportSchema = z.object({
  checkedAt: z.string().describe('when the check finished (ISO 8601)'),
  status: z
    .enum(['clean', 'differences', 'incomplete', 'breaches'])
    .describe(
      'breaches: the public record breaks a conservation rule; incomplete: a service could not be read, so agreement is not known',
    ),
  campaigns: z.number().int(),
  sources: z.array(z.string()),
  differences: z.array(
    z.object({
      campaignId: z.string(),
      source: z.string().describe('the service whose own totals disagree with the ledger'),
      field: z.enum(reconciledFields),
      ledger: z.number().int(),
      service: z.number().int(),
    }),
  ),
  breaches: z.array(
    z.object({
      campaignId: z.string(),
      invariant: z.enum(invariantNames),
      donationId: z.string().optional().describe('the gift, for the per-gift rules'),
      value: z.number().int(),
      limit: z.number().int(),
      explanation: z.string(),
    }),
  ),
  unreachable: z.array(z.object({ source: z.string(), campaignId: z.string(), reason: z.string() })),
});

export function reconciliationRoutes(reconciler: Reconciler): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/reconciliation',
      summary:
        "The conservation rules checked on the public record, and the ledger's totals of every campaign against the donation and disbursement services' own totals",
      tag: 'Operations',
      query: z.object({
        fresh: z
          .enum(['true', 'false'])
          .default('false')
          .describe(
            'true runs a check now (a few seconds when something differs) instead of answering the latest one',
          ),
      }),
      responses: { 200: { description: 'The latest reconciliation report', schema: reportSchema } },
      async handle({ query }) {
        const latest = reconciler.latest();
        return { body: query.fresh === 'true' || !latest ? await reconciler.run() : latest };
      },
    }),
  ];
}
