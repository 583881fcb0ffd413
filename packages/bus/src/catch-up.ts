import { randomUUID } from 'node:crypto';
import type { Logger } from '@aid/telemetry';
import type { Kafka } from 'kafkajs';
import type { RawMessage } from './batch.ts';
import { retryWhileCoordinatorMoves } from './coordinator.ts';

export interface HistoryMessage extends RawMessage {
  topic: string;
  partition: number;
  timestamp: string;
}

/**
 * A new group told to start at a time reads the history since then in ONE order, the brokers' timestamps across
 * all its topics (ties: the order of `topics`, then partition, then offset), instead of the order fetches happen
 * to interleave topics in. So a projection rebuilt from the topics puts a campaign's events from different
 * topics in the order they were published, as a live consumer that received them one by one did, whatever the
 * batch sizes of the replay. Single-topic order (what Kafka guarantees) is kept either way.
 *
 * Reads every partition from the first offset at or after `from` up to its end as of now, through a throwaway
 * group, then hands the merged history over and commits those ends as the group's offsets (only then: a crash
 * during the catch-up repeats it, which idempotent handlers make harmless). The history since `from` is held in
 * memory: start replays of very long histories at a later time, or in steps.
 */
export async function catchUpInTimeOrder(options: {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  from: Date;
  logger: Logger;
  handle(messages: HistoryMessage[]): Promise<void>;
}): Promise<void> {
  const { kafka, groupId, topics, logger } = options;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const starts = new Map<string, string>();
    const ends = new Map<string, string>();
    for (const topic of topics) {
      for (const { partition, offset } of await admin.fetchTopicOffsetsByTimestamp(
        topic,
        options.from.getTime(),
      ))
        starts.set(`${topic}/${partition}`, offset);
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}/${partition}`, high);
    }
    const pending = new Set(
      [...ends].filter(([key, end]) => BigInt(starts.get(key) ?? end) < BigInt(end)).map(([key]) => key),
    );
    const history: HistoryMessage[] = [];
    if (pending.size > 0) {
      const readerGroup = `${groupId}.catch-up.${randomUUID()}`;
      for (const topic of topics) {
        const partitions = [...starts]
          .filter(([key]) => key.startsWith(`${topic}/`))
          .map(([key, offset]) => ({ partition: Number(key.slice(topic.length + 1)), offset }));
        await retryWhileCoordinatorMoves(() => admin.setOffsets({ groupId: readerGroup, topic, partitions }));
      }
      const reader = kafka.consumer({
        groupId: readerGroup,
        sessionTimeout: 30_000,
        heartbeatInterval: 3_000,
      });
      await reader.connect();
      try {
        await reader.subscribe({ topics, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          reader
            .run({
              autoCommit: false,
              eachBatch: ({ batch }) => {
                const key = `${batch.topic}/${batch.partition}`;
                const end = BigInt(ends.get(key) ?? '0');
                for (const message of batch.messages) {
                  if (BigInt(message.offset) < end)
                    history.push({ ...message, topic: batch.topic, partition: batch.partition });
                }
                const last = batch.messages.at(-1);
                if (last && BigInt(last.offset) + 1n >= end) pending.delete(key);
                if (pending.size === 0) resolve();
                return Promise.resolve();
              },
            })
            .catch(reject);
        });
      } finally {
        await reader.disconnect();
        await admin
          .deleteGroups([readerGroup])
          .catch((error: unknown) =>
            logger.warn({ err: error, readerGroup }, 'catch-up reader group not deleted'),
          );
      }
      const rank = new Map(topics.map((topic, index) => [topic, index]));
      history.sort(
        (a, b) =>
          Number(a.timestamp) - Number(b.timestamp) ||
          (rank.get(a.topic) ?? 0) - (rank.get(b.topic) ?? 0) ||
          a.partition - b.partition ||
          Number(BigInt(a.offset) - BigInt(b.offset)),
      );
      logger.info(
        { groupId, from: options.from.toISOString(), messages: history.length },
        'catching up in time order',
      );
      await options.handle(history);
    }
    for (const topic of topics) {
      const partitions = [...ends]
        .filter(([key]) => key.startsWith(`${topic}/`))
        .map(([key, offset]) => ({ partition: Number(key.slice(topic.length + 1)), offset }));
      await retryWhileCoordinatorMoves(() => admin.setOffsets({ groupId, topic, partitions }));
    }
  } finally {
    await admin.disconnect();
  }
}
