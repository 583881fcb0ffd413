import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { requestChunks } from './request-chunks.ts';

export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface Publisher {
  /** Sends messages in order; messages with one key land in one partition, so their order is kept. */
  publish(messages: OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** Below Kafka's default `max.message.bytes` (1 MiB) with room for the request's own framing. */
export const defaultMaxRequestBytes = 900_000;

export async function createPublisher(
  kafka: Kafka,
  options: { maxRequestBytes?: number } = {},
): Promise<Publisher> {
  const maxRequestBytes = options.maxRequestBytes ?? defaultMaxRequestBytes;
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    // One request in flight keeps a key's messages in order even when a send is retried.
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return {
    async publish(messages) {
      // One request per chunk, one after another: a chunk is sent only once the one before it is acknowledged,
      // so the order of a key's messages holds across chunks too.
      for (const chunk of requestChunks(messages, maxRequestBytes)) {
        const byTopic = new Map<string, OutgoingMessage[]>();
        for (const message of chunk) {
          const list = byTopic.get(message.topic) ?? [];
          list.push(message);
          byTopic.set(message.topic, list);
        }
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.map(({ key, value, headers }) => ({ key, value, headers })),
          })),
        });
      }
    },
    disconnect: () => producer.disconnect(),
  };
}
