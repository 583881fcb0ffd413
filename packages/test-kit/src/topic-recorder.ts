import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface RecordedMessage {
  topic: string;
  key: string;
  value: unknown;
  headers: Record<string, string>;
}

/** Reads topics from the start in a throw-away group, keeping every message, for assertions on what was published. */
export async function recordTopics(brokers: string[], topicNames: string[]) {
  const kafka = new Kafka({ clientId: 'test-recorder', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `recorder-${randomBytes(6).toString('hex')}` });
  const messages: RecordedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: topicNames, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        if (value !== undefined) headers[name] = String(value);
      let value: unknown = message.value?.toString();
      try {
        value = JSON.parse(String(value));
      } catch {
        // kept as text: dead-letter tests publish values that are not JSON on purpose
      }
      messages.push({ topic, key: message.key?.toString() ?? '', value, headers });
    },
  });
  return {
    messages,
    stop: () => consumer.disconnect(),
  };
}

/** Publishes raw messages, bypassing the bus's validation: for duplicate, out-of-order and poison-message tests. */
export async function publishRaw(
  brokers: string[],
  topic: string,
  messages: { key: string; value: string; headers?: Record<string, string> }[],
) {
  const kafka = new Kafka({ clientId: 'test-publisher', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}
