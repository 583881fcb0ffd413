import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, recordTopics, testEndpoints, uniqueName } from '@aid/test-kit';
import { createLogger } from '@aid/telemetry';
import { createKafka, ensureTopics } from './kafka.ts';
import { createPublisher, type Publisher } from './publisher.ts';

describe('publisher against the broker', () => {
  const { kafkaBrokers } = testEndpoints();
  const kafka = createKafka({
    brokers: kafkaBrokers,
    clientId: uniqueName('publisher-test'),
    logger: createLogger('publisher-test', 'silent'),
  });
  let publisher: Publisher;

  beforeAll(async () => {
    publisher = await createPublisher(kafka);
  });
  afterAll(async () => {
    await publisher.disconnect();
  });

  it('when one publish carries several megabytes for one partition, then every message arrives, in order', async () => {
    // A ledger group of 1,000 entries announces about 1.5 MB at once; Kafka refuses a record batch over 1 MiB.
    const topic = uniqueName('publisher-large');
    await ensureTopics(kafka, [topic], 1);
    const messages = Array.from({ length: 3_000 }, (_, index) => ({
      topic,
      key: 'one-campaign',
      value: JSON.stringify({ index, padding: 'p'.repeat(1_000) }),
      headers: { 'event-id': `e-${index}` },
    }));
    await publisher.publish(messages);

    const recorder = await recordTopics(kafkaBrokers, [topic]);
    try {
      await eventually(() => expect(recorder.messages).toHaveLength(3_000), { timeoutMs: 30_000 });
      expect(recorder.messages.map((message) => (message.value as { index: number }).index)).toEqual(
        messages.map((_, index) => index),
      );
    } finally {
      await recorder.stop();
    }
  });
});
