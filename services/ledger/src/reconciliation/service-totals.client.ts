import type { z } from 'zod';
import type { ReconciledFigures } from '../domain/reconciliation.ts';

export interface TotalsSource {
  /** The owning service's name, as reports and metrics show it. */
  name: string;
  /** The service's own totals for a campaign; all zero when it has never heard of the campaign. */
  totals(campaignId: string): Promise<ReconciledFigures>;
}

const requestTimeoutMs = 5_000;

/** The reported figures the comparison uses, from a body that matched the service's published totals schema. */
const pick = (body: ReconciledFigures, fields: readonly (keyof ReconciledFigures)[]): ReconciledFigures =>
  Object.fromEntries(fields.map((field) => [field, body[field]]));

/**
 * Reads `GET <baseUrl>/v1/campaigns/:id/totals` of another service, checked against the schema that service
 * publishes it by (in `@aid/contracts`). Only this operational check calls another
 * service; recording the ledger never depends on one. A 404 `campaign-not-found` means the service holds nothing
 * for the campaign, which is all zero (and so a difference if the ledger has money for it).
 */
export function httpTotalsSource(
  name: string,
  baseUrl: string,
  schema: z.ZodType<ReconciledFigures>,
  fields: readonly (keyof ReconciledFigures)[],
): TotalsSource {
  return {
    name,
    async totals(campaignId) {
      const response = await fetch(
        new URL(`/v1/campaigns/${encodeURIComponent(campaignId)}/totals`, baseUrl),
        {
          signal: AbortSignal.timeout(requestTimeoutMs),
          headers: { accept: 'application/json' },
        },
      );
      if (response.status === 404) {
        // Only "no such campaign" is all zero; a 404 for the route means the service cannot be reconciled.
        const problem = (await response.json().catch(() => ({}))) as { code?: unknown };
        if (problem.code === 'campaign-not-found')
          return Object.fromEntries(fields.map((field) => [field, 0]));
        throw new Error(
          `has no totals for campaigns (404 ${typeof problem.code === 'string' ? problem.code : 'without a problem code'})`,
        );
      }
      if (!response.ok) throw new Error(`answered ${response.status}`);
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(
          `its totals do not match their schema (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`,
        );
      }
      return pick(parsed.data, fields);
    },
  };
}
