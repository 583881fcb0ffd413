import { randomBytes, randomUUID } from 'node:crypto';
import { defaultPartitions } from '@aid/contracts';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import mongoose from 'mongoose';
import { latencySummary, perSecond, rate, runFor, sleep } from './stats.ts';

// About the size of a donation.succeeded event.
const eventValue = (sentId: string) =>
  JSON.stringify({ id: sentId, type: 'org.diaspora-aid.load.scratch', padding: 'x'.repeat(600) });

/**
 * Raw Kafka on the same broker, with kafkajs configured as the services' publisher (acks from all replicas, one
 * request in flight, default partitioner) on a scratch topic with the services' partition count:
 * - batches of 100 as fast as they go, consumed message by message as the services consume;
 * - single messages, each awaited before the next, as the outbox relay publishes one document's messages:
 *   acknowledgement latency and produce → consume latency.
 */
export async function kafkaCeiling(brokers: string[], seconds: number): Promise<void> {
  const kafka = new Kafka({ clientId: 'load-ceiling', brokers, logLevel: logLevel.NOTHING });
  const topic = `load-scratch-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: defaultPartitions, replicationFactor: -1 }],
    waitForLeaders: true,
  });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    maxInFlightRequests: 1,
  });
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  const sentAt = new Map<string, number>();
  const consumeLatencies: number[] = [];
  let consumed = 0;
  let lastConsumed = 0;
  try {
    await producer.connect();
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        consumed += 1;
        lastConsumed = performance.now();
        const started = sentAt.get(message.key?.toString() ?? '');
        if (started !== undefined) consumeLatencies.push(lastConsumed - started);
      },
    });
    await joined;

    const batchStart = performance.now();
    let produced = 0;
    await runFor(1, batchStart + seconds * 1000, async () => {
      const messages = Array.from({ length: 100 }, () => ({ key: randomUUID(), value: eventValue('batch') }));
      await producer.send({ topic, acks: -1, messages });
      produced += messages.length;
    });
    const produceSeconds = (performance.now() - batchStart) / 1000;
    const drainUntil = performance.now() + 60_000;
    while (consumed < produced && performance.now() < drainUntil) await sleep(50);
    console.log(
      `  kafka, batches of 100: produced ${rate(perSecond(produced, produceSeconds))} msg/s; consumed ${consumed}/${produced} at ${rate(perSecond(consumed, (lastConsumed - batchStart) / 1000))} msg/s (eachMessage)`,
    );

    const ackLatencies: number[] = [];
    const singleStart = performance.now();
    const count = await runFor(1, singleStart + seconds * 1000, async () => {
      const key = randomUUID();
      const started = performance.now();
      sentAt.set(key, started);
      await producer.send({ topic, acks: -1, messages: [{ key, value: eventValue(key) }] });
      ackLatencies.push(performance.now() - started);
    });
    const singleSeconds = (performance.now() - singleStart) / 1000;
    const singleUntil = performance.now() + 30_000;
    while (consumeLatencies.length < count && performance.now() < singleUntil) await sleep(50);
    console.log(
      `  kafka, one message per awaited send: ${rate(perSecond(count, singleSeconds))} msg/s; ack ${latencySummary(ackLatencies)}`,
    );
    console.log(`  kafka, produce → consume: ${latencySummary(consumeLatencies)}`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * Raw database operations on the same server with the driver mongoose wraps, on small documents in a scratch
 * database, at each concurrency (one connection per operation in flight; the services hold one connection to
 * FerretDB, i.e. concurrency 1).
 */
export async function databaseCeiling(
  mongoUrl: string,
  seconds: number,
  concurrencies: number[],
): Promise<void> {
  const dbName = `load_scratch_${randomBytes(4).toString('hex')}`;
  for (const concurrency of concurrencies) {
    const client = new mongoose.mongo.MongoClient(mongoUrl, {
      maxPoolSize: concurrency,
      minPoolSize: concurrency,
    });
    await client.connect();
    const docs = client
      .db(dbName)
      .collection<{ _id: string; campaignId: string; amount: number; n: number; at: Date }>(
        `docs_c${concurrency}`,
      );
    try {
      const ids: string[] = [];
      const measure = async (label: string, operation: (index: number) => Promise<unknown>) => {
        const latencies: number[] = [];
        const start = performance.now();
        const count = await runFor(concurrency, start + seconds * 1000, async (index) => {
          const started = performance.now();
          await operation(index);
          latencies.push(performance.now() - started);
        });
        const elapsed = (performance.now() - start) / 1000;
        console.log(
          `  database, concurrency ${concurrency}, ${label}: ${rate(perSecond(count, elapsed))}/s; ${latencySummary(latencies)}`,
        );
      };
      const campaignId = randomUUID();
      await measure('insertOne', async () => {
        const _id = randomUUID();
        await docs.insertOne({ _id, campaignId, amount: 2_500, n: 0, at: new Date() });
        ids.push(_id);
      });
      const anyId = () => ids[Math.floor(Math.random() * ids.length)] ?? '';
      await measure(`updateOne by _id (${ids.length} docs)`, () =>
        docs.updateOne({ _id: anyId() }, { $inc: { n: 1 }, $set: { at: new Date() } }),
      );
      await measure(`findOneAndUpdate by _id (${ids.length} docs)`, () =>
        docs.findOneAndUpdate({ _id: anyId() }, { $inc: { n: 1 } }, { returnDocument: 'after' }),
      );
    } finally {
      await client.close();
    }
  }
  const client = new mongoose.mongo.MongoClient(mongoUrl);
  await client.connect();
  await client
    .db(dbName)
    .dropDatabase()
    .catch(() => undefined);
  await client.close();
}
