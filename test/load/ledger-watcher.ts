import { randomBytes } from 'node:crypto';
import { topics } from '@aid/contracts';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface LedgerWatcher {
  /** When (performance clock, ms) each gift of the campaign was announced as appended, by donation id. */
  arrivals: Map<string, number>;
  /** When each gift's donation.succeeded reached Kafka (seen here), by donation id: the donation outbox's share. */
  published: Map<string, number>;
  stop(): Promise<void>;
}

/**
 * Follows ledger.entries.v1 from its current end and notes when each gift entry of one campaign is announced:
 * the ledger announces an entry from the same write that appends it, so this is the moment the gift is on the
 * public record (plus the ledger's outbox relay and one Kafka hop). Follows donation.events.v1 the same way,
 * so the time to the ledger splits into the donation service's part and the ledger's.
 */
/** JSON or nothing: the topics also carry other tests' deliberately broken messages, which must not stop the watch. */
function parsed<T>(text: string | undefined): T | undefined {
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function watchLedgerGifts(brokers: string[], campaignId: string): Promise<LedgerWatcher> {
  const kafka = new Kafka({ clientId: 'load-ledger-watcher', brokers, logLevel: logLevel.NOTHING });
  const groupId = `load-watcher-${randomBytes(6).toString('hex')}`;
  // A new group would otherwise start from the whole history of every earlier run.
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of [topics.ledger, topics.donation]) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map(({ partition, high }) => ({ partition, offset: high })) });
    }
  } finally {
    await admin.disconnect();
  }
  const arrivals = new Map<string, number>();
  const published = new Map<string, number>();
  const consumer: Consumer = kafka.consumer({ groupId });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  consumer.on(consumer.events.CRASH, ({ payload }) => console.error(`  the ledger watcher's consumer crashed (${payload.error.message}); figures after this are short`));
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.ledger, topics.donation] });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const at = performance.now();
      const event = parsed<{ type?: string; data?: { campaignId?: string; leaf?: string; donationId?: string } }>(message.value?.toString());
      if (event?.data?.campaignId !== campaignId) return;
      if (topic === topics.donation) {
        const { donationId } = event.data;
        if (event.type === 'org.diaspora-aid.donation.succeeded' && donationId && !published.has(donationId)) published.set(donationId, at);
        return;
      }
      const entry = parsed<{ kind?: string; donationId?: string }>(event.data.leaf && Buffer.from(event.data.leaf, 'base64').toString('utf8'));
      if (entry?.kind === 'gift' && entry.donationId && !arrivals.has(entry.donationId)) arrivals.set(entry.donationId, at);
    },
  });
  await joined;
  return { arrivals, published, stop: () => consumer.disconnect() };
}
