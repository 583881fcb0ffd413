import type { ReconciledFigures } from '../domain/reconciliation.ts';

export interface TotalsSource {
  /** The owning service's name, as reports and metrics show it. */
  name: string;
  /** The service's own totals for a campaign; all zero when it has never heard of the campaign. */
  totals(campaignId: string): Promise<ReconciledFigures>;
}

const requestTimeoutMs = 5_000;

const pick = (body: Record<string, unknown>, fields: readonly (keyof ReconciledFigures)[]): ReconciledFigures => {
  const figures: ReconciledFigures = {};
  for (const field of fields) {
    const value = body[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`its totals have no integer "${field}"`);
    figures[field] = value;
  }
  return figures;
};

/**
 * Reads `GET <baseUrl>/v1/campaigns/:id/totals` of another service. Only this operational check calls another
 * service; recording the ledger never depends on one. A 404 `campaign-not-found` means the service holds nothing
 * for the campaign, which is all zero (and so a difference if the ledger has money for it).
 */
export function httpTotalsSource(name: string, baseUrl: string, fields: readonly (keyof ReconciledFigures)[]): TotalsSource {
  return {
    name,
    async totals(campaignId) {
      const response = await fetch(new URL(`/v1/campaigns/${encodeURIComponent(campaignId)}/totals`, baseUrl), {
        signal: AbortSignal.timeout(requestTimeoutMs),
        headers: { accept: 'application/json' },
      });
      if (response.status === 404) {
        // Only "no such campaign" is all zero; a 404 for the route means the service cannot be reconciled.
        const problem = (await response.json().catch(() => ({}))) as { code?: unknown };
        if (problem.code === 'campaign-not-found') return Object.fromEntries(fields.map((field) => [field, 0]));
        throw new Error(`has no totals for campaigns (404 ${typeof problem.code === 'string' ? problem.code : 'without a problem code'})`);
      }
      if (!response.ok) throw new Error(`answered ${response.status}`);
      return pick((await response.json()) as Record<string, unknown>, fields);
    },
  };
}
