import { createHttpApp } from '@aid/http-kit';
import type { ServiceDeps, ServiceParts } from '@aid/runtime';
import type { LedgerConfig } from './config.ts';
import { noteSigner } from './domain/checkpoint.ts';
import { ledgerStatusByCode } from './domain/errors.ts';
import { startEntryAnnouncer } from './events/entry-announcer.ts';
import { ledgerConsumer } from './events/ledger.consumer.ts';
import { publicRoutes } from './http/public.routes.ts';
import { reconciliationParts } from './reconciliation/reconciliation.parts.ts';
import { createLedgerStore } from './store/ledger-store.ts';

export function buildApp(deps: ServiceDeps, config: LedgerConfig): ServiceParts {
  const store = createLedgerStore(deps.db);
  const signer = noteSigner(config.LEDGER_ORIGIN, Buffer.from(config.LEDGER_SIGNING_KEY, 'base64'));
  const announcer = startEntryAnnouncer({ store, publish: (messages) => deps.publisher.publish(messages), logger: deps.logger, tracer: deps.tracer });
  const reconciliation = reconciliationParts(store, config, deps.logger);
  const app = createHttpApp({
    serviceName: 'ledger',
    description: "The public record of every campaign's money: append-only per-campaign logs, summaries, daily series, breakdowns, traces and open-data exports (CSV, JSON, IATI 2.03). Read-only and open to everyone.",
    logger: deps.logger,
    tracer: deps.tracer,
    routes: [...publicRoutes({ store, signer, origin: config.LEDGER_ORIGIN, iati: { ref: config.LEDGER_IATI_PUBLISHER_REF, name: config.LEDGER_IATI_PUBLISHER_NAME }, clock: () => new Date() }), ...(reconciliation?.routes ?? [])],
    statusByCode: ledgerStatusByCode,
    readiness: () => deps.ready(),
    trustProxy: deps.rateLimits.trustProxy,
  });
  reconciliation?.start();
  return {
    app,
    outboxSources: store.outboxSources,
    consumers: [ledgerConsumer(store, announcer)],
    stop: async () => {
      await reconciliation?.stop();
      await announcer.stop();
    },
    metrics: (registry) => reconciliation?.metrics(registry),
  };
}
