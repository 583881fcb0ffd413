import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { defaultPartitions } from '@aid/contracts';
import type { Logger } from '@aid/telemetry';

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(options: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  const kafkaLogger = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 10 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[levels[level] ?? 'info'](extra, message);
      },
  });
}

/** Creates missing topics with the default partition count; existing topics are left as they are. */
export async function ensureTopics(kafka: Kafka, topicNames: string[], partitions = defaultPartitions): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicNames.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
      });
    }
    // A new topic's metadata reaches every listener a moment after creation; a client that asks too early is
    // told the broker "does not host this topic-partition". Wait until all partitions have leaders.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: topicNames });
        if (topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0))) return;
      } catch (error) {
        if (attempt >= 50) throw error;
      }
      if (attempt >= 50) throw new Error(`topics ${topicNames.join(', ')} have no leaders after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Readiness: the cluster answers a metadata request. */
export async function brokerReachable(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
