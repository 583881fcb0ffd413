import { Gauge, type Registry } from '@aid/runtime';
import type { Logger } from '@aid/telemetry';
import type { LedgerConfig } from '../config.ts';
import { disbursementFields, donationFields, ledgerFigures } from '../domain/reconciliation.ts';
import { summarize } from '../domain/summary.ts';
import type { LedgerStore } from '../store/ledger-store.ts';
import { createReconciler, type LedgerTotals, type ReconciliationReport } from './reconciler.ts';
import { reconciliationRoutes } from './reconciliation.routes.ts';
import { httpTotalsSource } from './service-totals.client.ts';

/** The ledger's figures of every campaign with a log, as its public summary shows them. */
async function ledgerTotals(store: LedgerStore): Promise<LedgerTotals[]> {
  const heads = await store.campaignHeads();
  const totals: LedgerTotals[] = [];
  for (const { campaignId } of heads) {
    const log = await store.logState(campaignId);
    if (!log) continue;
    totals.push({ campaignId, figures: ledgerFigures(summarize(campaignId, log.currency, log.totals, log.size)) });
  }
  return totals;
}

/**
 * The reconciliation check, when the ledger knows where the donation and disbursement services are: its route,
 * its timer and its metrics. Off (no route, no metric) without both URLs, e.g. for a mirror of the public ledger.
 */
export function reconciliationParts(store: LedgerStore, config: LedgerConfig, logger: Logger) {
  if (!config.DONATION_URL || !config.DISBURSEMENT_URL) return null;
  const reconciler = createReconciler({
    ledgerTotals: () => ledgerTotals(store),
    sources: [
      httpTotalsSource('donation', config.DONATION_URL, donationFields),
      httpTotalsSource('disbursement', config.DISBURSEMENT_URL, disbursementFields),
    ],
    graceMs: config.RECONCILE_GRACE_MS,
    logger,
  });
  return {
    routes: reconciliationRoutes(reconciler),
    start: () => reconciler.start(config.RECONCILE_INTERVAL_MS),
    stop: () => reconciler.stop(),
    metrics(registry: Registry) {
      const latest = () => reconciler.latest();
      // One gauge per list of the report, counted by the service it names.
      const countBySource = (name: string, help: string, list: (report: ReconciliationReport) => readonly { source: string }[]) =>
        new Gauge({
          name,
          help,
          labelNames: ['source'],
          registers: [registry],
          collect() {
            this.reset();
            const report = latest();
            if (!report) return;
            for (const source of report.sources) this.set({ source }, list(report).filter((item) => item.source === source).length);
          },
        });
      countBySource('aid_reconciliation_differences', "Figures where a service's own totals disagree with the ledger at the latest check, by service", (report) => report.differences);
      countBySource('aid_reconciliation_unreachable', 'Campaigns whose totals a service could not give at the latest check, by service', (report) => report.unreachable);
      new Gauge({
        name: 'aid_reconciliation_last_check_seconds',
        help: 'When the latest reconciliation check finished (Unix time)',
        registers: [registry],
        collect() {
          const report = latest();
          if (report) this.set(Date.parse(report.checkedAt) / 1000);
        },
      });
    },
  };
}
