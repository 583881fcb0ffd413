import { deadLetterTopic, topicSchemas, type EventOf, type TopicName } from '@aid/contracts';
import { withSpanFrom, type Logger } from '@aid/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import { backoff, processBatch, type BatchItem, type Decoded, type MessageContext, type RawMessage } from './batch.ts';
import type { Publisher } from './publisher.ts';

export type EventHandler<T extends TopicName> = (event: EventOf<T>, context: MessageContext) => Promise<void>;

/**
 * Handles a group of one partition's events at once, in their order (so a store can write them in a few round
 * trips). Must be idempotent as a whole: after a crash the same group, or a part of it, comes again.
 */
export type BatchEventHandler<T extends TopicName> = (items: BatchItem<EventOf<T>>[]) => Promise<void>;

/** Where a consumer group without committed offsets starts: the whole history, only new messages, or a time. */
export type StartPosition = 'beginning' | 'end' | Date;

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
 * Commits the offsets where a group that has none should start (the current end of each topic, or the first
 * message at or after a time), before any member joins, so the group starts exactly there (no race with
 * messages published right after start-up). A group that already has offsets goes on from them.
 */
async function startNewGroupAt(kafka: Kafka, groupId: string, topicNames: string[], position: 'end' | Date): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await retryWhileCoordinatorMoves(() => admin.fetchOffsets({ groupId, topics: topicNames }));
    for (const { topic, partitions } of committed) {
      if (partitions.some((partition) => partition.offset !== '-1')) continue;
      // By timestamp, a partition with nothing at or after the time answers its end (kafkajs maps -1 to high).
      const offsets =
        position === 'end'
          ? (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ partition, offset: high }))
          : await admin.fetchTopicOffsetsByTimestamp(topic, position.getTime());
      await retryWhileCoordinatorMoves(() => admin.setOffsets({ groupId, topic, partitions: offsets }));
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface ConsumerOptions<T extends TopicName> {
  kafka: Kafka;
  groupId: string;
  topics: T[];
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
  maxAttempts?: number;
  /**
   * Where a consumer group without committed offsets starts: `beginning` (default: a new projection reads the
   * whole history), `end` (only what is published from now on; tests use it to skip earlier tests' events), or a
   * time (the first message published at or after it, by the broker's message timestamps: a replay from a date).
   */
  startAt?: StartPosition;
}

/** One event at a time (`handle`), or groups of a partition's events (`handleBatch`, at most `maxBatchSize`). */
export type ConsumerHandler<T extends TopicName> = { handle: EventHandler<T>; handleBatch?: never } | { handleBatch: BatchEventHandler<T>; maxBatchSize?: number; handle?: never };

/**
 * Runs one consumer group. Each message is parsed and validated against its topic's schema, then handled;
 * its offset is committed only after the handler succeeded, so a crash means redelivery, never loss
 * (handlers are idempotent). A message that cannot be valid, or whose handler keeps failing, goes to the
 * group's dead-letter topic with the reason, and the partition moves on: one poison message never stops it.
 * With `handleBatch` the same holds per group of messages (see processBatch): a failing group is retried, then
 * split into single messages so that only the poison one is dead-lettered.
 */
export async function runConsumer<T extends TopicName>(options: ConsumerOptions<T> & ConsumerHandler<T>): Promise<RunningConsumer> {
  const { kafka, groupId, publisher, logger, tracer } = options;
  const maxAttempts = options.maxAttempts ?? 6;
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  let deadLetters = 0;

  async function deadLetter(message: RawMessage, context: MessageContext, reason: string): Promise<void> {
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

  function decode(topic: string, message: RawMessage): Decoded<EventOf<T>> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value?.toString() ?? '');
    } catch {
      return { reason: 'value is not JSON' };
    }
    const result = topicSchemas[topic as T].safeParse(parsed);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      return { reason: `invalid event: ${issues}` };
    }
    return { event: result.data as EventOf<T> };
  }

  const spanAttributes = (topic: string) => ({ 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.consumer.group.name': groupId });

  if (options.startAt === 'end' || options.startAt instanceof Date) await startNewGroupAt(kafka, groupId, options.topics, options.startAt);
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  if (options.handleBatch) {
    const handleBatch = options.handleBatch;
    const maxGroupSize = options.maxBatchSize ?? 1_000;
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        await processBatch<EventOf<T>>({
          topic: batch.topic,
          partition: batch.partition,
          messages: batch.messages,
          decode: (message) => decode(batch.topic, message),
          handle: (items) =>
            withSpanFrom(
              tracer,
              `consume ${items.length} from ${batch.topic}`,
              headerText((items[0] as BatchItem<EventOf<T>>).message.headers),
              { ...spanAttributes(batch.topic), 'messaging.batch.message_count': items.length },
              () => handleBatch(items),
            ),
          deadLetter,
          resolveOffset: (offset) => payload.resolveOffset(offset),
          commit: () => payload.commitOffsetsIfNecessary(),
          heartbeat: () => payload.heartbeat(),
          stillOwned: () => payload.isRunning() && !payload.isStale(),
          logger,
          maxAttempts,
          groupAttempts: 3,
          maxGroupSize,
          sleep,
        });
      },
    });
  } else {
    const handle = options.handle;
    await consumer.run({
      autoCommit: true,
      eachMessage: async (payload) => {
        const { topic, partition, message } = payload;
        const context: MessageContext = { topic, partition, offset: message.offset };
        const decoded = decode(topic, message);
        if ('reason' in decoded) {
          await deadLetter(message, context, decoded.reason);
          return;
        }
        const { event } = decoded;
        const carrier = headerText(message.headers);
        for (let attempt = 1; ; attempt += 1) {
          try {
            await withSpanFrom(tracer, `consume ${event.type}`, carrier, spanAttributes(topic), () => handle(event, context));
            return;
          } catch (error) {
            if (attempt >= maxAttempts) {
              await deadLetter(message, context, `handler failed ${attempt} times: ${(error as Error).message}`);
              return;
            }
            logger.warn({ ...context, err: error, attempt, type: event.type }, 'handler failed; retrying');
            await sleep(backoff(attempt));
            await payload.heartbeat();
          }
        }
      },
    });
  }

  return {
    async stop() {
      await consumer.disconnect();
    },
    deadLetters: () => deadLetters,
  };
}
