import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { defaultPartitions } from '@aid/contracts';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import mongoose from 'mongoose';
import { latencySummary, perSecond, rate, runFor, sleep } from './stats.ts';

/**
 * Small appends each followed by fsync, one after another, for `seconds`: the rate at which this disk makes a
 * write durable, the floor under every commit the database and the broker make. The file goes in `directory`,
 * which should be on the database's filesystem; `databaseDir` (when known) is checked to be on the same device.
 */
export async function fsyncCeiling(
  directory: string,
  seconds: number,
  databaseDir: string | undefined,
): Promise<number> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `fsync-probe-${randomBytes(4).toString('hex')}`);
  const handle = await open(file, 'w');
  const latencies: number[] = [];
  const line = Buffer.from(`${'x'.repeat(127)}\n`);
  try {
    const start = performance.now();
    const until = start + seconds * 1000;
    while (performance.now() < until) {
      const started = performance.now();
      await handle.write(line);
      await handle.sync();
      latencies.push(performance.now() - started);
    }
    const perSec = perSecond(latencies.length, (performance.now() - start) / 1000);
    const sameDevice =
      databaseDir === undefined
        ? 'the database directory is not known here'
        : (await stat(databaseDir).catch(() => undefined))?.dev === (await stat(directory)).dev
          ? `same device as the database's ${databaseDir}`
          : `NOT the device of the database's ${databaseDir}`;
    console.log(
      `  fsync: ${rate(perSec)}/s (128-byte append + fsync, one at a time, in ${directory}; ${sameDevice}); ${latencySummary(latencies)}`,
    );
    return perSec;
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
}

/** The SQLite directory of a local FerretDB (its `-sqlite-url file:…` argument), from /proc; undefined otherwise. */
export async function ferretDataDir(pid: number | undefined): Promise<string | undefined> {
  if (pid === undefined) return undefined;
  const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
  for (const [index, arg] of args.entries()) {
    const value = arg.startsWith('--sqlite-url=')
      ? arg.slice('--sqlite-url='.length)
      : arg === '-sqlite-url' || arg === '--sqlite-url'
        ? args[index + 1]
        : undefined;
    if (value?.startsWith('file:')) return value.slice('file:'.length).split('?')[0];
  }
  return undefined;
}

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
export interface KafkaCeiling {
  /** Messages per second produced in batches of 100, and consumed message by message. */
  batchProducePerSecond: number;
  consumePerSecond: number;
  /** Messages per second with each send awaited before the next, as the outbox relay publishes one document's. */
  singleProducePerSecond: number;
}

export async function kafkaCeiling(brokers: string[], seconds: number): Promise<KafkaCeiling> {
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
    const batchProducePerSecond = perSecond(produced, produceSeconds);
    const consumePerSecond = perSecond(consumed, (lastConsumed - batchStart) / 1000);
    console.log(
      `  kafka, batches of 100: produced ${rate(batchProducePerSecond)} msg/s; consumed ${consumed}/${produced} at ${rate(consumePerSecond)} msg/s (eachMessage)`,
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
    return {
      batchProducePerSecond,
      consumePerSecond,
      singleProducePerSecond: perSecond(count, singleSeconds),
    };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

export interface DatabaseCeiling {
  concurrency: number;
  insertsPerSecond: number;
  updatesPerSecond: number;
}

/**
 * Raw database operations on the same server with the driver mongoose wraps, on small documents in a scratch
 * database, at each concurrency (one connection per operation in flight; the services hold one connection to
 * FerretDB for writes, i.e. concurrency 1): `insertOne`, then a guarded `updateOne` by `_id` as the services
 * reserve money (`{_id, remaining: {$gte: n}}`, `$inc: {remaining: -n}`).
 */
export async function databaseCeiling(
  mongoUrl: string,
  seconds: number,
  concurrencies: number[],
): Promise<DatabaseCeiling[]> {
  const dbName = `load_scratch_${randomBytes(4).toString('hex')}`;
  const figures: DatabaseCeiling[] = [];
  for (const concurrency of concurrencies) {
    const client = new mongoose.mongo.MongoClient(mongoUrl, {
      maxPoolSize: concurrency,
      minPoolSize: concurrency,
    });
    await client.connect();
    const docs = client
      .db(dbName)
      .collection<{ _id: string; campaignId: string; remaining: number; at: Date }>(`docs_c${concurrency}`);
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
        const perSec = perSecond(count, (performance.now() - start) / 1000);
        console.log(
          `  database, ${concurrency} client${concurrency === 1 ? '' : 's'}, ${label}: ${rate(perSec)}/s; ${latencySummary(latencies)}`,
        );
        return perSec;
      };
      const campaignId = randomUUID();
      const insertsPerSecond = await measure('insertOne', async () => {
        const _id = randomUUID();
        await docs.insertOne({ _id, campaignId, remaining: 1_000_000_000, at: new Date() });
        ids.push(_id);
      });
      const anyId = () => ids[Math.floor(Math.random() * ids.length)] ?? '';
      let missed = 0;
      const updatesPerSecond = await measure(`guarded updateOne by _id (${ids.length} docs)`, async () => {
        const { matchedCount } = await docs.updateOne(
          { _id: anyId(), remaining: { $gte: 100 } },
          { $inc: { remaining: -100 }, $set: { at: new Date() } },
        );
        if (matchedCount !== 1) missed += 1;
      });
      if (missed > 0) console.log(`    ${missed} guarded updates matched no document`);
      figures.push({ concurrency, insertsPerSecond, updatesPerSecond });
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
  return figures;
}
