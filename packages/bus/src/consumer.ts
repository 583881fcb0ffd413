import { deadLetterTopic, topicSchemas, type EventOf, type TopicName } from '@aid/contracts';
import { withSpanFrom, type Logger } from '@aid/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import type { Publisher } from './publisher.ts';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
}

export type EventHandler<T extends TopicName> = (event: EventOf<T>, context: MessageContext) => Promise<void>;

export interface RunningConsumer {
  stop(): Promise<void>;
  /** Dead letters sent since start, for metrics and tests. */
  deadLetters(): number;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return text;
}

/**
 * Commits the current end of each topic as the offsets of a group that has none, before any member joins, so
 * the group starts exactly there (no race with messages published right after start-up).
 */
async function startNewGroupAtEnd(kafka: Kafka, groupId: string, topicNames: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await retryWhileCoordinatorMoves(() => admin.fetchOffsets({ groupId, topics: topicNames }));
    for (const { topic, partitions } of committed) {
      if (partitions.some((partition) => partition.offset !== '-1')) continue;
      const ends = await admin.fetchTopicOffsets(topic);
      await retryWhileCoordinatorMoves(() => admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) }));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * On a fresh broker the group coordinator (and its offsets topic) appears a moment after the first request:
 * until then the broker answers NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE, which pass with time.
 */
async function retryWhileCoordinatorMoves<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= 60) throw error;
      await sleep(500);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one consumer group. Each message is parsed and validated against its topic's schema, then handled;
 * its offset is committed only after the handler succeeded, so a crash means redelivery, never loss
 * (handlers are idempotent). A message that cannot be valid, or whose handler keeps failing, goes to the
 * group's dead-letter topic with the reason, and the partition moves on: one poison message never stops it.
 */
export async function runConsumer<T extends TopicName>(options: {
  kafka: Kafka;
  groupId: string;
  topics: T[];
  handle: EventHandler<T>;
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
  maxAttempts?: number;
  /**
   * Where a consumer group without committed offsets starts: `beginning` (default: a new projection reads the
   * whole history) or `end` (only what is published from now on; tests use it to skip earlier tests' events).
   */
  startAt?: 'beginning' | 'end';
}): Promise<RunningConsumer> {
  const { kafka, groupId, handle, publisher, logger, tracer } = options;
  const maxAttempts = options.maxAttempts ?? 6;
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  let deadLetters = 0;

  async function deadLetter(
    message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders },
    context: MessageContext,
    reason: string,
  ): Promise<void> {
    deadLetters += 1;
    logger.error({ ...context, reason }, 'message sent to the dead-letter topic');
    await publisher.publish([
      {
        topic: deadLetterTopic(groupId),
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: {
          ...headerText(message.headers),
          'dlq-reason': reason.slice(0, 2_000),
          'dlq-topic': context.topic,
          'dlq-partition': String(context.partition),
          'dlq-offset': context.offset,
          'dlq-group': groupId,
          'dlq-at': new Date().toISOString(),
        },
      },
    ]);
  }

  if (options.startAt === 'end') await startNewGroupAtEnd(kafka, groupId, options.topics);
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachMessage: async (payload) => {
      const { topic, partition, message } = payload;
      const context: MessageContext = { topic, partition, offset: message.offset };
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.value?.toString() ?? '');
      } catch {
        await deadLetter(message, context, 'value is not JSON');
        return;
      }
      const result = topicSchemas[topic as T].safeParse(parsed);
      if (!result.success) {
        const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
        await deadLetter(message, context, `invalid event: ${issues}`);
        return;
      }
      const event = result.data as EventOf<T>;
      const carrier = headerText(message.headers);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await withSpanFrom(
            tracer,
            `consume ${event.type}`,
            carrier,
            { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.consumer.group.name': groupId },
            () => handle(event, context),
          );
          return;
        } catch (error) {
          if (attempt >= maxAttempts) {
            await deadLetter(message, context, `handler failed ${attempt} times: ${(error as Error).message}`);
            return;
          }
          logger.warn({ ...context, err: error, attempt, type: event.type }, 'handler failed; retrying');
          await sleep(Math.min(200 * 2 ** attempt, 5_000));
          await payload.heartbeat();
        }
      }
    },
  });

  return {
    async stop() {
      await consumer.disconnect();
    },
    deadLetters: () => deadLetters,
  };
}
