import { deadLetterTopic, topicSchemas, type EventOf, type TopicName } from '@aid/contracts';
import { withSpanFrom, withSpanPerCarrier, type Logger } from '@aid/telemetry';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import {
  backoff,
  processBatch,
  type BatchItem,
  type Decoded,
  type MessageContext,
  type RawMessage,
} from './batch.ts';
import { catchUpInTimeOrder } from './catch-up.ts';
import { retryWhileCoordinatorMoves } from './coordinator.ts';
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

/** Whether a group has no committed offset on any of its topics yet: only such a group has a start position. */
async function isNewGroup(kafka: Kafka, groupId: string, topicNames: string[]): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = await retryWhileCoordinatorMoves(() =>
      admin.fetchOffsets({ groupId, topics: topicNames }),
    );
    return committed.every(({ partitions }) => partitions.every((partition) => partition.offset === '-1'));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits the current end of each topic as the offsets of a new group, before any member joins, so the group
 * starts exactly there (no race with messages published right after start-up).
 */
async function startNewGroupAtEnd(kafka: Kafka, groupId: string, topicNames: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topicNames) {
      const ends = await admin.fetchTopicOffsets(topic);
      await retryWhileCoordinatorMoves(() =>
        admin.setOffsets({
          groupId,
          topic,
          partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
        }),
      );
    }
  } finally {
    await admin.disconnect();
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
  /**
   * How long the group waits for a member that stopped heartbeating (default 30 s). A member killed without
   * leaving holds its partitions for this long, so it is the pause a crash costs its partitions.
   */
  sessionTimeoutMs?: number;
}

/** One event at a time (`handle`), or groups of a partition's events (`handleBatch`, at most `maxBatchSize`). */
export type ConsumerHandler<T extends TopicName> =
  | { handle: EventHandler<T>; handleBatch?: never }
  | { handleBatch: BatchEventHandler<T>; maxBatchSize?: number; handle?: never };

/**
 * Runs one consumer group. Each message is parsed and validated against its topic's schema, then handled;
 * its offset is committed only after the handler succeeded, so a crash means redelivery, never loss
 * (handlers are idempotent). A message that cannot be valid, or whose handler keeps failing, goes to the
 * group's dead-letter topic with the reason, and the partition moves on: one poison message never stops it.
 * With `handleBatch` the same holds per group of messages (see processBatch): a failing group is retried, then
 * split into single messages so that only the poison one is dead-lettered.
 */
export async function runConsumer<T extends TopicName>(
  options: ConsumerOptions<T> & ConsumerHandler<T>,
): Promise<RunningConsumer> {
  const { kafka, groupId, publisher, logger, tracer } = options;
  const maxAttempts = options.maxAttempts ?? 6;
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  // Kafka wants several heartbeats per session, or one late heartbeat would look like a dead member.
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
  });
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
      const issues = result.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      return { reason: `invalid event: ${issues}` };
    }
    return { event: result.data as EventOf<T> };
  }

  const spanAttributes = (topic: string) => ({
    'messaging.system': 'kafka',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': groupId,
  });

  const stepsOf = (messages: RawMessage[], topic: string, partition: number) => ({
    topic,
    partition,
    messages,
    decode: (message: RawMessage) => decode(message.topic ?? topic, message),
    deadLetter,
    logger,
    maxAttempts,
    groupAttempts: 3,
    maxGroupSize: options.handleBatch ? (options.maxBatchSize ?? 1_000) : 1,
    sleep,
  });
  const handleItems = (items: BatchItem<EventOf<T>>[]): Promise<void> => {
    const { handleBatch } = options;
    if (handleBatch) {
      // A batch mixes messages of many traces: each message gets its own span in its own trace (child of the
      // send that delivered it), and the handler gets each span's context for what it does on that message's behalf.
      const spans = items.map((item) => ({
        name: `consume ${item.event.type}`,
        carrier: headerText(item.message.headers),
        attributes: spanAttributes(item.context.topic),
      }));
      const topic = items[0]?.context.topic ?? '';
      return withSpanPerCarrier(
        tracer,
        spans,
        (carriers) => handleBatch(items.map((item, index) => ({ ...item, trace: carriers[index] ?? {} }))),
        {
          name: `process ${topic}`,
          attributes: { ...spanAttributes(topic), 'messaging.operation.type': 'process' },
        },
      );
    }
    const first = items[0] as BatchItem<EventOf<T>>;
    return withSpanFrom(
      tracer,
      `consume ${first.event.type}`,
      headerText(first.message.headers),
      { ...spanAttributes(first.context.topic), 'messaging.batch.message_count': items.length },
      async () => {
        for (const item of items) await options.handle(item.event, item.context);
      },
      SpanKind.CONSUMER,
    );
  };

  const startAt = options.startAt;
  if ((startAt === 'end' || startAt instanceof Date) && (await isNewGroup(kafka, groupId, options.topics))) {
    if (startAt === 'end') await startNewGroupAtEnd(kafka, groupId, options.topics);
    else {
      await catchUpInTimeOrder({
        kafka,
        groupId,
        topics: options.topics,
        from: startAt,
        logger,
        // Nothing to resolve or commit while catching up: the group's offsets are set once it is done.
        handle: async (history) => {
          await processBatch<EventOf<T>>({
            ...stepsOf(history, '', -1),
            handle: handleItems,
            resolveOffset: () => undefined,
            commit: async () => undefined,
            heartbeat: async () => undefined,
            stillOwned: () => true,
          });
        },
      });
    }
  }
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  if (options.handleBatch) {
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        await processBatch<EventOf<T>>({
          ...stepsOf(batch.messages, batch.topic, batch.partition),
          handle: handleItems,
          resolveOffset: (offset) => payload.resolveOffset(offset),
          commit: () => payload.commitOffsetsIfNecessary(),
          heartbeat: () => payload.heartbeat(),
          stillOwned: () => payload.isRunning() && !payload.isStale(),
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
            await withSpanFrom(
              tracer,
              `consume ${event.type}`,
              carrier,
              spanAttributes(topic),
              () => handle(event, context),
              SpanKind.CONSUMER,
            );
            return;
          } catch (error) {
            if (attempt >= maxAttempts) {
              await deadLetter(
                message,
                context,
                `handler failed ${attempt} times: ${(error as Error).message}`,
              );
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
