import type { AddressInfo } from 'node:net';
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
import { authenticationFailureLimits, type RouteRateLimit, type SharedCounters } from '@aid/http-kit';
import {
  connectDatabase,
  connectReadDatabase,
  createApplyOnce,
  createRateLimitCounters,
  databaseReachable,
  mongoOutboxStore,
  type ApplyOnce,
  type OutboxSource,
} from '@aid/store';
import { createLogger, startTelemetry, type Logger } from '@aid/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import express, { type Express } from 'express';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { Registry } from 'prom-client';
import { measureRequests, metricsApp } from './http-metrics.ts';
import { listen } from './listen.ts';
import { createServiceMetrics } from './metrics.ts';
import type { ServiceRuntimeConfig } from './service-config.ts';

export interface ServiceDeps {
  db: Connection;
  /** For public reads that may run side by side; the same as `db` on MongoDB (see connectReadDatabase). */
  readDb: Connection;
  kafka: Kafka;
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
  applyOnce: ApplyOnce;
  /** Tells the outbox relay that messages were just queued, so it publishes now rather than at its next tick. */
  outboxQueued(): void;
  /** Readiness of the database and broker, cached briefly. */
  ready(): Promise<Record<string, boolean>>;
  /** Rate limiting: counters shared with the service's other instances (its database), and the shared settings. */
  rateLimits: {
    counters: SharedCounters;
    trustProxy: false | number | string[];
    /** Put by the HTTP kit before every route that takes a bearer key (pass to `createHttpApp`). */
    authenticationFailures: RouteRateLimit[];
  };
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
  /** Where Prometheus scrapes this instance: `<metricsUrl>/metrics`. */
  metricsUrl: string;
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
  const telemetry = startTelemetry({
    serviceName: name,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    spanProcessors: options.spanProcessors ?? [],
  });
  const logger = createLogger(name, config.LOG_LEVEL);
  const db = await connectDatabase(config.MONGO_URL, options.dbName);
  const readDb = await connectReadDatabase(
    db,
    config.MONGO_URL,
    options.dbName,
    config.MONGO_READ_POOL_SIZE ?? 4,
  );
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID ?? name,
    logger,
  });
  await ensureTopics(kafka, Object.values(allTopics));
  const publisher = await createPublisher(kafka);

  const counters = createRateLimitCounters(db);
  let kick = (): void => undefined;
  let cachedReadiness: { at: number; checks: Record<string, boolean> } | undefined;
  const deps: ServiceDeps = {
    db,
    readDb,
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
    rateLimits: {
      counters,
      trustProxy: config.TRUST_PROXY ?? false,
      authenticationFailures: authenticationFailureLimits({
        counters,
        perAddress: config.RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS ?? { limit: 20, windowMs: 900_000 },
        perKey: config.RATE_LIMIT_AUTH_FAILURES_PER_KEY ?? { limit: 10, windowMs: 900_000 },
        logger,
      }),
    },
  };

  const parts = await options.build(deps);
  // This process's writes wake the relay (the store watches its hints), so an idle relay need not poll often:
  // its sleep grows to 5 s. What only the sweep finds (another instance's messages, a crash's leftovers) waits
  // for the sweep, every 30 s, run by the next pass: at most 35 s.
  const relay = startOutboxRelay({
    store: mongoOutboxStore(parts.outboxSources),
    publisher,
    logger,
    tracer: telemetry.tracer,
    maxIntervalMs: 5_000,
  });
  kick = () => relay.kick();

  const consumerSpecs = (parts.consumers ?? []).map((spec) => ({
    ...spec,
    groupId: `${config.KAFKA_GROUP_PREFIX}${spec.groupId}`,
  }));
  if (consumerSpecs.length > 0)
    await ensureTopics(
      kafka,
      consumerSpecs.map((spec) => deadLetterTopic(spec.groupId)),
    );
  const consumers: RunningConsumer[] = await Promise.all(
    consumerSpecs.map((spec) =>
      runConsumer({
        kafka,
        publisher,
        logger,
        tracer: telemetry.tracer,
        startAt: config.KAFKA_START_AT,
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        ...spec,
      }),
    ),
  );

  const metrics = createServiceMetrics({
    service: name,
    databases: [db, readDb],
    outboxBacklog: () => relay.backlog(),
    kafka,
    consumers: () =>
      consumerSpecs.map((spec, index) => ({
        groupId: spec.groupId,
        topics: spec.topics,
        consumer: consumers[index] as RunningConsumer,
      })),
  });
  parts.metrics?.(metrics.registry);

  // The service's app is mounted under a thin root that measures every request the same way.
  const root = express();
  root.disable('x-powered-by');
  root.use(measureRequests(metrics));
  root.use(parts.app);
  const server = await listen(root, config.PORT, config.HOST);
  const address = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${address.port}`;
  // Metrics tell outsiders about traffic and backlogs: never on the public port.
  const metricsHost = config.METRICS_HOST ?? '127.0.0.1';
  const metricsServer = await listen(
    metricsApp(metrics.registry, config.METRICS_TOKEN),
    config.METRICS_PORT ?? (config.PORT === 0 ? 0 : config.PORT + 100),
    metricsHost,
  );
  const metricsUrl = `http://${metricsHost}:${(metricsServer.address() as AddressInfo).port}`;
  logger.info({ url, metricsUrl }, `${name} listening`);

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      logger.info('shutting down');
      await Promise.all(
        [server, metricsServer].map(
          (listening) =>
            new Promise<void>((resolve) => {
              listening.close(() => resolve());
              listening.closeIdleConnections();
            }),
        ),
      );
      counters.stop();
      await parts.stop?.();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await relay.stop();
      await publisher.disconnect();
      if (readDb !== db) await readDb.close();
      await db.close();
      await telemetry.shutdown();
    })();
    return stopping;
  }
  return { url, metricsUrl, deps, stop };
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
