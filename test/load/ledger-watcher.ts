import { randomBytes } from 'node:crypto';
import { topics } from '@aid/contracts';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface LedgerWatcher {
  /** When (performance clock, ms) each gift of the campaign was announced as appended, by donation id. */
  arrivals: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * Follows ledger.entries.v1 from its current end and notes when each gift entry of one campaign is announced:
 * the ledger announces an entry from the same write that appends it, so this is the moment the gift is on the
 * public record (plus the ledger's outbox relay and one Kafka hop).
 */
export async function watchLedgerGifts(brokers: string[], campaignId: string): Promise<LedgerWatcher> {
  const kafka = new Kafka({ clientId: 'load-ledger-watcher', brokers, logLevel: logLevel.NOTHING });
  const groupId = `load-watcher-${randomBytes(6).toString('hex')}`;
  // A new group would otherwise start from the whole history of every earlier run.
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topics.ledger);
    await admin.setOffsets({ groupId, topic: topics.ledger, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
  } finally {
    await admin.disconnect();
  }
  const arrivals = new Map<string, number>();
  const consumer: Consumer = kafka.consumer({ groupId });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.ledger] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = performance.now();
      const event = JSON.parse(message.value?.toString() ?? '{}') as { data?: { campaignId?: string; leaf?: string } };
      if (event.data?.campaignId !== campaignId || !event.data.leaf) return;
      const entry = JSON.parse(Buffer.from(event.data.leaf, 'base64').toString('utf8')) as { kind?: string; donationId?: string };
      if (entry.kind === 'gift' && entry.donationId && !arrivals.has(entry.donationId)) arrivals.set(entry.donationId, at);
    },
  });
  await joined;
  return { arrivals, stop: () => consumer.disconnect() };
}
