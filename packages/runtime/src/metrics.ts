import type { RunningConsumer } from '@aid/bus';
import { watchDatabaseCommands } from '@aid/store';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { Counter, Gauge } from 'prom-client';
import { createHttpMetrics, type HttpMetrics } from './http-metrics.ts';

/**
 * Prometheus metrics of one service at /metrics: process figures, HTTP requests, database commands, the outbox
 * backlog, dead letters and consumer lag. Backlog and lag are measured when scraped, so an idle service costs
 * nothing.
 */
export function createServiceMetrics(options: {
  service: string;
  outboxBacklog: () => Promise<number>;
  kafka: Kafka;
  consumers: () => { groupId: string; topics: string[]; consumer: RunningConsumer }[];
  /** The service's database connections, whose commands are counted. */
  databases: readonly Connection[];
}): HttpMetrics {
  const metrics = createHttpMetrics(options.service);
  const { registry } = metrics;
  // Writes are commits (one each on the local database): what a path costs the database, per request or message.
  const databaseCommands = new Counter({
    name: 'aid_database_commands_total',
    help: 'Commands sent to the database since start, by command and whether it writes',
    labelNames: ['command', 'kind'],
    registers: [registry],
  });
  watchDatabaseCommands(options.databases, ({ name, kind }) => databaseCommands.inc({ command: name, kind }));
  new Gauge({
    name: 'aid_outbox_backlog_documents',
    help: 'Documents whose events are waiting to be published',
    registers: [registry],
    async collect() {
      this.set(await options.outboxBacklog());
    },
  });
  new Counter({
    name: 'aid_dead_letters_total',
    help: 'Messages sent to a dead-letter topic since start, by consumer group',
    labelNames: ['group'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { groupId, consumer } of options.consumers())
        this.inc({ group: groupId }, consumer.deadLetters());
    },
  });
  new Gauge({
    name: 'aid_consumer_lag_messages',
    help: 'Messages published but not yet consumed, by consumer group and topic',
    labelNames: ['group', 'topic'],
    registers: [registry],
    async collect() {
      this.reset();
      const admin = options.kafka.admin();
      await admin.connect();
      try {
        for (const { groupId, topics } of options.consumers()) {
          const committed = await admin.fetchOffsets({ groupId, topics });
          for (const { topic, partitions } of committed) {
            const ends = await admin.fetchTopicOffsets(topic);
            const lag = ends.reduce((sum, end) => {
              const done =
                partitions.find((partition) => partition.partition === end.partition)?.offset ?? '-1';
              return sum + Math.max(0, Number(end.high) - Math.max(0, Number(done)));
            }, 0);
            this.set({ group: groupId, topic }, lag);
          }
        }
      } finally {
        await admin.disconnect();
      }
    },
  });

  return metrics;
}
