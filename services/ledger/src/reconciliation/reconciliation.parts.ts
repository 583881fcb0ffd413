import { disbursementTotalsSchema, donationTotalsSchema } from '@aid/contracts';
import { Gauge, type Registry } from '@aid/runtime';
import type { Logger } from '@aid/telemetry';
import type { LedgerConfig } from '../config.ts';
import { invariantNames } from '../domain/invariants.ts';
import { disbursementFields, donationFields, ledgerFigures } from '../domain/reconciliation.ts';
import { summarize } from '../domain/summary.ts';
import type { CampaignLogState, LedgerStore } from '../store/ledger-store.ts';
import { createPublicRecordCheck } from './public-record-check.ts';
import { createReconciler, type LedgerTotals, type ReconciliationReport } from './reconciler.ts';
import { reconciliationRoutes } from './reconciliation.routes.ts';
import { httpTotalsSource } from './service-totals.client.ts';

/** The ledger's figures of every campaign with a log, as its public summary shows them. */
function ledgerTotals(heads: readonly CampaignLogState[]): LedgerTotals[] {
  return heads.map((log) => ({
    campaignId: log.campaignId,
    figures: ledgerFigures(summarize(log.campaignId, log.currency, log.totals, log.size)),
  }));
}

// How long the heads read for a check's totals also serve its rules' first pass (the re-checks read again).
const headsShareMs = 2_000;

/**
 * The reconciliation check: its route, its timer and its metrics. The conservation rules are checked on the
 * public record always (a mirror of the public ledger checks them too); the comparison with the donation and
 * disbursement services' own totals only when the ledger knows where both are.
 */
export function reconciliationParts(store: LedgerStore, config: LedgerConfig, logger: Logger) {
  const record = createPublicRecordCheck(store);
  // Every head is read once per check (one query): at 1,000 campaigns, reading each twice, one by one, cost the
  // local database some 2,000 queries a minute.
  let lastHeads: { at: number; heads: CampaignLogState[] } | undefined;
  const reconciler = createReconciler({
    ledgerTotals: async () => {
      const heads = await store.allLogStates();
      lastHeads = { at: performance.now(), heads };
      return ledgerTotals(heads);
    },
    sources:
      config.DONATION_URL && config.DISBURSEMENT_URL
        ? [
            httpTotalsSource('donation', config.DONATION_URL, donationTotalsSchema, donationFields),
            httpTotalsSource(
              'disbursement',
              config.DISBURSEMENT_URL,
              disbursementTotalsSchema,
              disbursementFields,
            ),
          ]
        : [],
    breaches: (only) =>
      record.breaches(
        only,
        !only && lastHeads && performance.now() - lastHeads.at < headsShareMs ? lastHeads.heads : undefined,
      ),
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
      const countBySource = (
        name: string,
        help: string,
        list: (report: ReconciliationReport) => readonly { source: string }[],
      ) =>
        new Gauge({
          name,
          help,
          labelNames: ['source'],
          registers: [registry],
          collect() {
            this.reset();
            const report = latest();
            if (!report) return;
            for (const source of report.sources)
              this.set({ source }, list(report).filter((item) => item.source === source).length);
          },
        });
      countBySource(
        'aid_reconciliation_differences',
        "Figures where a service's own totals disagree with the ledger at the latest check, by service",
        (report) => report.differences,
      );
      countBySource(
        'aid_reconciliation_unreachable',
        'Campaigns whose totals a service could not give at the latest check, by service',
        (report) => report.unreachable,
      );
      new Gauge({
        name: 'aid_reconciliation_breaches',
        help: 'Conservation rules the public record breaks at the latest check (campaigns or gifts), by rule',
        labelNames: ['invariant'],
        registers: [registry],
        collect() {
          this.reset();
          const report = latest();
          if (!report) return;
          for (const invariant of invariantNames)
            this.set(
              { invariant },
              report.breaches.filter((breach) => breach.invariant === invariant).length,
            );
        },
      });
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
