import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import {
  brokerReachable,
  createKafka,
  createPublisher,
  ensureTopics,
  runConsumer,
  startOutboxRelay,
  type ConsumerHandler,
  type Publisher,
  type RunningConsumer,
} from '@aid/bus';
import { deadLetterTopic, topics as allTopics, type TopicName } from '@aid/contracts';
import { connectDatabase, createApplyOnce, databaseReachable, mongoOutboxStore, type ApplyOnce, type OutboxSource } from '@aid/store';
import { createLogger, startTelemetry, type Logger } from '@aid/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import express, { type Express } from 'express';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import { createServiceMetrics } from './metrics.ts';
import type { ServiceRuntimeConfig } from './service-config.ts';

export interface ServiceDeps {
  db: Connection;
  kafka: Kafka;
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
  applyOnce: ApplyOnce;
  /** Tells the outbox relay that messages were just queued, so it publishes now rather than at its next tick. */
  outboxQueued(): void;
  /** Readiness of the database and broker, cached briefly. */
  ready(): Promise<Record<string, boolean>>;
}

/** A consumer group: `handle(event)` one at a time, or `handleBatch(items)` for groups of a partition's events. */
export type ConsumerSpec = {
  groupId: string;
  topics: TopicName[];
} & ConsumerHandler<TopicName>;

export interface ServiceParts {
  app: Express;
  outboxSources: OutboxSource[];
  consumers?: ConsumerSpec[];
  /** Background work the service runs (timers); stopped first at shutdown. */
  stop?(): Promise<void>;
  /** Registers the service's own Prometheus metrics beside the shared ones at /metrics. */
  metrics?(registry: Registry): void;
}

export interface RunningService {
  url: string;
  deps: ServiceDeps;
  stop(): Promise<void>;
}

/**
 * The one composition every service shares: telemetry, database, Kafka, the outbox relay, consumers, HTTP,
 * and a shutdown that stops taking work, finishes what is in flight, flushes the outbox and telemetry, and
 * disconnects, in that order.
 */
export async function startService(options: {
  name: string;
  config: ServiceRuntimeConfig;
  dbName: string;
  build(deps: ServiceDeps): Promise<ServiceParts> | ServiceParts;
  spanProcessors?: SpanProcessor[];
}): Promise<RunningService> {
  const { name, config } = options;
  const telemetry = startTelemetry({ serviceName: name, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, spanProcessors: options.spanProcessors ?? [] });
  const logger = createLogger(name, config.LOG_LEVEL);
  const db = await connectDatabase(config.MONGO_URL, options.dbName);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? name, logger });
  await ensureTopics(kafka, Object.values(allTopics));
  const publisher = await createPublisher(kafka);

  let kick = (): void => undefined;
  let cachedReadiness: { at: number; checks: Record<string, boolean> } | undefined;
  const deps: ServiceDeps = {
    db,
    kafka,
    publisher,
    logger,
    tracer: telemetry.tracer,
    applyOnce: createApplyOnce(db),
    outboxQueued: () => kick(),
    async ready() {
      if (cachedReadiness && Date.now() - cachedReadiness.at < 2_000) return cachedReadiness.checks;
      const [database, broker] = await Promise.all([databaseReachable(db), brokerReachable(kafka)]);
      cachedReadiness = { at: Date.now(), checks: { database, kafka: broker } };
      return cachedReadiness.checks;
    },
  };

  const parts = await options.build(deps);
  const relay = startOutboxRelay({ store: mongoOutboxStore(parts.outboxSources), publisher, logger, tracer: telemetry.tracer });
  kick = () => relay.kick();

  const consumerSpecs = (parts.consumers ?? []).map((spec) => ({ ...spec, groupId: `${config.KAFKA_GROUP_PREFIX}${spec.groupId}` }));
  if (consumerSpecs.length > 0) await ensureTopics(kafka, consumerSpecs.map((spec) => deadLetterTopic(spec.groupId)));
  const consumers: RunningConsumer[] = await Promise.all(
    consumerSpecs.map((spec) => runConsumer({ kafka, publisher, logger, tracer: telemetry.tracer, startAt: config.KAFKA_START_AT, sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS, ...spec })),
  );

  const metrics = createServiceMetrics({
    service: name,
    outboxBacklog: () => relay.backlog(),
    kafka,
    consumers: () => consumerSpecs.map((spec, index) => ({ groupId: spec.groupId, topics: spec.topics, consumer: consumers[index] as RunningConsumer })),
  });
  parts.metrics?.(metrics.registry);

  // The service's app is mounted under a thin root that adds what every service exposes the same way.
  const root = express();
  root.disable('x-powered-by');
  root.use((request, response, next) => {
    const started = performance.now();
    response.on('finish', () => {
      // Route patterns, never raw paths, so ids in URLs do not multiply the series.
      const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.observeRequest(request.method, route, response.statusCode, (performance.now() - started) / 1000);
    });
    next();
  });
  root.get('/metrics', async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  root.use(parts.app);
  const server: Server = await new Promise((resolve) => {
    const listening = root.listen(config.PORT, config.HOST, () => resolve(listening));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${address.port}`;
  logger.info({ url }, `${name} listening`);

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      logger.info('shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await parts.stop?.();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await relay.stop();
      await publisher.disconnect();
      await db.close();
      await telemetry.shutdown();
    })();
    return stopping;
  }
  return { url, deps, stop };
}

/** For main.ts: stop cleanly on SIGTERM or SIGINT, and exit non-zero if stopping itself fails. */
export function stopOnSignals(service: RunningService, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
