import { clientAddress, createHttpApp, rateLimit, type Route, type RouteRateLimit } from '@aid/http-kit';
import type { ServiceDeps, ServiceParts } from '@aid/runtime';
import type { LedgerConfig } from './config.ts';
import { noteSigner } from './domain/checkpoint.ts';
import { startEntryAnnouncer } from './events/entry-announcer.ts';
import { ledgerConsumer } from './events/ledger.consumer.ts';
import { publicRoutes } from './http/public.routes.ts';
import { statusByCode } from './http/status-by-code.ts';
import { reconciliationParts } from './reconciliation/reconciliation.parts.ts';
import { createLedgerStore, type LedgerStore } from './store/ledger-store.ts';

/**
 * Writes, in the background, the entry bundles that entries appended before bundles existed (or a crash) left
 * missing. Reads do not wait for it: until a bundle is written its entries are read from their own documents.
 */
function sealMissingBundles(store: LedgerStore, logger: ServiceDeps['logger']) {
  let stopped = false;
  const started = Date.now();
  const done = store
    .sealMissingBundles(() => stopped)
    .then(
      (written) => {
        if (written > 0) logger.info(`wrote ${written} missing entry bundles in ${Date.now() - started} ms`);
      },
      (error: unknown) => {
        if (!stopped)
          logger.warn(
            { err: error },
            'writing missing entry bundles stopped: the next start goes on from there',
          );
      },
    );
  return {
    async stop() {
      stopped = true;
      await done;
    },
  };
}

export async function buildApp(deps: ServiceDeps, config: LedgerConfig): Promise<ServiceParts> {
  const store = createLedgerStore(deps.db, {
    reads: deps.readDb,
    onBundleFailed: (error) =>
      deps.logger.warn(
        { err: error },
        'an entry bundle was not written after its entries were appended: it is tried again after the next append, its entries read from their own documents until then',
      ),
  });
  // Before the consumers start and before the first request: links for data stored before they existed, and the
  // Merkle nodes of logs written before tiles moved into tiles.
  await store.migrateToLinks((message) => deps.logger.info(message));
  const movedStarted = Date.now();
  const moved = await store.merkle.moveNodesToTiles();
  if (moved > 0)
    deps.logger.info(
      { nodes: moved, ms: Date.now() - movedStarted },
      'moved the Merkle nodes of logs written before tiles into tiles',
    );
  const bundling = config.ENTRY_BUNDLE_SWEEP
    ? sealMissingBundles(store, deps.logger)
    : { stop: async () => undefined };
  const signer = noteSigner(config.LEDGER_ORIGIN, Buffer.from(config.LEDGER_SIGNING_KEY, 'base64'));
  const announcer = startEntryAnnouncer({
    store,
    publish: (messages) => deps.publisher.publish(messages),
    logger: deps.logger,
    tracer: deps.tracer,
  });
  const reconciliation = reconciliationParts(store, config, deps.logger);
  const limit = (
    name: string,
    spec: LedgerConfig['RATE_LIMIT_TRACE_PER_ADDRESS'],
    description: string,
    key: (request: Parameters<RouteRateLimit['middleware']>[0]) => string | undefined,
  ) => rateLimit({ name, spec, description, key, counters: deps.rateLimits.counters, logger: deps.logger });
  const limits: Record<string, RouteRateLimit[]> = {
    '/v1/trace/:receiptCode': [
      limit(
        'trace-lookups-per-address',
        config.RATE_LIMIT_TRACE_PER_ADDRESS,
        'receipt traces from this address',
        clientAddress,
      ),
    ],
    // A fresh check reads every campaign's totals from two services: a few a minute for everyone together.
    '/v1/reconciliation': [
      limit(
        'fresh-reconciliations',
        config.RATE_LIMIT_RECONCILIATION_FRESH,
        'on-demand reconciliations (all callers together)',
        (request) => (request.query.fresh === 'true' ? 'everyone' : undefined),
      ),
    ],
  };
  const withLimits = (route: Route): Route =>
    limits[route.path]
      ? { ...route, rateLimits: [...(limits[route.path] ?? []), ...(route.rateLimits ?? [])] }
      : route;
  const app = createHttpApp({
    serviceName: 'ledger',
    description:
      "The public record of every campaign's money: append-only per-campaign logs, summaries, daily series, breakdowns, traces and open-data exports (CSV, JSON, IATI 2.03). Read-only and open to everyone.",
    logger: deps.logger,
    routes: [
      ...publicRoutes({
        store,
        signer,
        origin: config.LEDGER_ORIGIN,
        iati: { ref: config.LEDGER_IATI_PUBLISHER_REF, name: config.LEDGER_IATI_PUBLISHER_NAME },
        clock: () => new Date(),
      }),
      ...reconciliation.routes,
    ].map(withLimits),
    statusByCode,
    readiness: () => deps.ready(),
    trustProxy: deps.rateLimits.trustProxy,
  });
  reconciliation.start();
  return {
    app,
    // Only while an older version's messages wait there: otherwise the relay would scan every log for nothing.
    outboxSources: (await store.legacyOutboxPending()) ? store.outboxSources : [],
    consumers: [ledgerConsumer(store, announcer)],
    stop: async () => {
      await bundling.stop();
      await reconciliation.stop();
      await announcer.stop();
    },
    metrics: (registry) => reconciliation.metrics(registry),
  };
}
