import { KafkaContainer } from '@testcontainers/kafka';
import { MongoDBContainer } from '@testcontainers/mongodb';
import { GenericContainer, Wait } from 'testcontainers';
import type { RunningInfra } from './index.ts';

// Images pinned to the same versions the local launcher runs natively.
const images = {
  kafka: 'confluentinc/cp-kafka:8.1.0', // Apache Kafka 4.1
  mongo: 'mongo:8.0',
  stripeMock: 'stripe/stripe-mock:v0.203.0',
};

/**
 * Test infrastructure in containers, for machines with a container engine: Kafka in KRaft mode, a real MongoDB
 * replica set (so the code is also exercised where updates are isolated and transactions exist) and
 * stripe-mock. Started in parallel; a failure stops whatever did start.
 */
export async function startContainers(log: (line: string) => void = () => {}): Promise<RunningInfra> {
  const t0 = performance.now();
  const results = await Promise.allSettled([
    new KafkaContainer(images.kafka).withKraft().start(),
    new MongoDBContainer(images.mongo).start(),
    new GenericContainer(images.stripeMock)
      .withExposedPorts(12111)
      .withWaitStrategy(Wait.forListeningPorts())
      .start(),
  ]);
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.allSettled(started.map((container) => container.stop()));
    throw failure.reason;
  }
  const [kafka, mongo, stripe] = started as [
    Awaited<ReturnType<KafkaContainer['start']>>,
    Awaited<ReturnType<MongoDBContainer['start']>>,
    Awaited<ReturnType<GenericContainer['start']>>,
  ];
  log(
    `▸ containers … ready (${((performance.now() - t0) / 1000).toFixed(1)}s: ${images.kafka}, ${images.mongo}, ${images.stripeMock})`,
  );
  return {
    endpoints: {
      kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
      mongoUrl: `${mongo.getConnectionString()}/?directConnection=true`,
      stripeApiBase: `http://${stripe.getHost()}:${stripe.getMappedPort(12111)}`,
    },
    processes: [],
    logFiles: [],
    async stop() {
      await Promise.allSettled(started.map((container) => container.stop()));
    },
  };
}
