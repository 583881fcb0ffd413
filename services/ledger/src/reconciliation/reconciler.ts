import { startWorkerLoop, type WorkerLoop } from '@aid/bus';
import type { Logger } from '@aid/telemetry';
import { persistentBreaches, type Breach } from '../domain/invariants.ts';
import {
  compareFigures,
  persistentDifferences,
  type Difference,
  type ReconciledFigures,
} from '../domain/reconciliation.ts';
import type { TotalsSource } from './service-totals.client.ts';

export interface LedgerTotals {
  campaignId: string;
  figures: ReconciledFigures;
}

export interface ReconciliationReport {
  checkedAt: string;
  /**
   * `breaches` when the public record itself breaks a conservation rule (whatever the services say);
   * `incomplete` when a source could not be read for some campaign: those campaigns are not known to agree.
   */
  status: 'clean' | 'differences' | 'incomplete' | 'breaches';
  campaigns: number;
  sources: string[];
  differences: Difference[];
  breaches: Breach[];
  unreachable: { source: string; campaignId: string; reason: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const concurrency = 8;

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Compares the ledger's totals of every campaign with each source's own, and checks the conservation rules on the
 * public record, each twice a grace period apart (see persistentDifferences, persistentBreaches), on a timer and
 * on demand. One check runs at a time; asking during a check waits for it. Without sources only the rules are
 * checked.
 */
export function createReconciler(options: {
  ledgerTotals: () => Promise<LedgerTotals[]>;
  sources: readonly TotalsSource[];
  /** The rules the public record breaks, for every campaign or only those named. */
  breaches?: (only?: ReadonlySet<string>) => Promise<Breach[]>;
  graceMs: number;
  logger: Logger;
  now?: () => Date;
}) {
  const now = options.now ?? (() => new Date());
  let latest: ReconciliationReport | null = null;
  let running: Promise<ReconciliationReport> | null = null;
  let loop: WorkerLoop | null = null;

  async function look(campaigns: readonly LedgerTotals[]) {
    const unreachable: ReconciliationReport['unreachable'] = [];
    const differences = (
      await mapLimited(campaigns, concurrency, async ({ campaignId, figures }) =>
        (
          await Promise.all(
            options.sources.map(async (source) => {
              try {
                return compareFigures(campaignId, source.name, figures, await source.totals(campaignId));
              } catch (error) {
                unreachable.push({
                  source: source.name,
                  campaignId,
                  reason: error instanceof Error ? error.message : String(error),
                });
                return [];
              }
            }),
          )
        ).flat(),
      )
    ).flat();
    return { differences, unreachable };
  }

  async function check(): Promise<ReconciliationReport> {
    const ledger = await options.ledgerTotals();
    const first = await look(ledger);
    const firstBreaches = (await options.breaches?.()) ?? [];
    let { differences, unreachable } = first;
    let breaches = firstBreaches;
    if (first.differences.length > 0 || firstBreaches.length > 0) await sleep(options.graceMs);
    if (first.differences.length > 0) {
      const suspects = new Set(first.differences.map((difference) => difference.campaignId));
      const again = await look(
        (await options.ledgerTotals()).filter((campaign) => suspects.has(campaign.campaignId)),
      );
      differences = persistentDifferences(first.differences, again.differences);
      unreachable = [...unreachable, ...again.unreachable];
    }
    if (firstBreaches.length > 0 && options.breaches) {
      breaches = persistentBreaches(
        firstBreaches,
        await options.breaches(new Set(firstBreaches.map((breach) => breach.campaignId))),
      );
    }
    const report: ReconciliationReport = {
      checkedAt: now().toISOString(),
      status:
        breaches.length > 0
          ? 'breaches'
          : unreachable.length > 0
            ? 'incomplete'
            : differences.length > 0
              ? 'differences'
              : 'clean',
      campaigns: ledger.length,
      sources: options.sources.map((source) => source.name),
      differences,
      breaches,
      unreachable,
    };
    if (report.status !== 'clean')
      options.logger.warn({ reconciliation: report }, `reconciliation ${report.status}`);
    latest = report;
    return report;
  }

  /** Runs a check, or joins the one running. */
  function run(): Promise<ReconciliationReport> {
    running ??= check().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    latest: () => latest,
    run,
    start(intervalMs: number): void {
      // The first check waits an interval: at start-up the services it compares with may still be starting.
      // A failed check is tried again within an interval, never sooner than half of one.
      loop = startWorkerLoop({
        pass: async () => {
          await run();
          return 'idle';
        },
        intervalMs,
        firstDelayMs: intervalMs,
        maxBackoffMs: intervalMs,
        logger: options.logger,
        failureMessage: 'reconciliation check failed',
        failureLevel: 'error',
      });
    },
    async stop(): Promise<void> {
      await loop?.stop();
      loop = null;
      await running?.catch(() => undefined);
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
