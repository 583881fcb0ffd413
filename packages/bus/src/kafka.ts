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
export async function ensureTopics(
  kafka: Kafka,
  topicNames: string[],
  partitions = defaultPartitions,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Services starting together race to create the same topics, and a new topic's metadata reaches the
    // broker's listeners a moment after creation (until then: "does not host this topic-partition"). So:
    // create what is missing, tolerate losing the race, and wait until every partition has a leader.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topicNames.filter((topic) => !existing.has(topic));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: false,
            topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
          });
        }
        const { topics } = await admin.fetchTopicMetadata({ topics: topicNames });
        if (
          topics.every(
            (topic) =>
              topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0),
          )
        )
          return;
      } catch (error) {
        const passing =
          (error as { retriable?: boolean }).retriable === true || /already exists/i.test(String(error));
        if (!passing || attempt >= 100) throw error;
      }
      if (attempt >= 100) throw new Error(`topics ${topicNames.join(', ')} have no leaders after 20 s`);
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
