import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { Profile } from './profile.ts';
import { portVariables } from './profile.ts';
import { ensurePortFree, spawnManaged, stopOnFailure, waitUntil } from './process.ts';
import type { StartedPart } from './process.ts';
import { ensureKafkaLibs, KAFKA_VERSION } from './tools.ts';

const { Kafka, logLevel } = kafkajs;

/**
 * The event topics, created up front with the same layout. Dead-letter topics are per consumer group
 * (`dlq.<group>`) and each service creates its own when it starts.
 */
export const TOPICS = [
  'campaign.events.v1',
  'donation.events.v1',
  'disbursement.events.v1',
  'ledger.entries.v1',
];
export const PARTITIONS = 6;

export async function startKafka(profile: Profile): Promise<StartedPart> {
  const { ports, dirs } = profile;
  await ensurePortFree(ports.kafka, 'Kafka', portVariables.kafka);
  await ensurePortFree(ports.kafkaController, 'the Kafka controller', portVariables.kafkaController);
  const libs = await ensureKafkaLibs(dirs.tools, dirs.root);
  const home = path.join(dirs.data, 'kafka');
  const logDir = path.join(home, 'log');
  fs.mkdirSync(logDir, { recursive: true });
  const properties = path.join(home, 'server.properties');
  const log4j = path.join(home, 'log4j2.properties');
  // Rewritten on every start: ports may differ between runs, the formatted storage does not depend on them.
  fs.writeFileSync(properties, serverProperties(ports.kafka, ports.kafkaController, logDir));
  fs.writeFileSync(log4j, LOG4J2_PROPERTIES);

  const logFile = path.join(dirs.logs, 'kafka.log');
  const java = (mainClass: string, args: string[], heap: string): string[] => [
    `-Xmx${heap}`,
    '-XX:+UseSerialGC',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${dirs.logs}`,
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    path.join(libs.path, '*'),
    mainClass,
    ...args,
  ];

  const formatted = fs.existsSync(path.join(logDir, 'meta.properties'));
  if (!formatted) {
    // A static controller.quorum.voters is formatted without --standalone.
    const format = spawnManaged({
      name: 'kafka-storage-format',
      command: 'java',
      args: java(
        'kafka.tools.StorageTool',
        ['format', '-t', clusterId(), '-c', properties, '--ignore-formatted'],
        '256m',
      ),
      cwd: home,
      env: process.env,
      logFile,
    });
    const exit = await format.exited;
    if (exit.code !== 0) throw new Error(`formatting Kafka storage failed; see ${logFile}`);
  }

  const broker = spawnManaged({
    name: 'kafka',
    command: 'java',
    args: java('kafka.Kafka', [properties], '512m'),
    cwd: home,
    env: process.env,
    logFile,
    marker: properties,
  });
  const brokers = `127.0.0.1:${ports.kafka}`;
  await stopOnFailure(broker, () =>
    withAdmin(brokers, async (admin) => {
      await waitUntil(() => answersMetadata(admin), {
        what: `Kafka on ${brokers}`,
        timeoutMs: 90_000,
        intervalMs: 250,
        process: broker,
      });
      await createTopics(admin);
    }),
  );
  const notes = [libs.installed ? 'jars installed' : 'jars reused'];
  if (profile.keepData) notes.push(formatted ? 'storage reused' : 'storage formatted');
  return { endpoint: brokers, process: broker, note: `${KAFKA_VERSION}, ${notes.join(', ')}` };
}

async function answersMetadata(admin: Admin): Promise<boolean> {
  await admin.connect();
  await admin.fetchTopicMetadata({ topics: [] });
  return true;
}

async function createTopics(admin: Admin): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = TOPICS.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
      waitForLeaders: true,
      timeout: 30_000,
    });
  }
}

async function withAdmin<T>(brokers: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({
    clientId: 'local-infra',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    // Readiness polling does its own retrying with a deadline.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
  }).admin();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64; Kafka itself never issues one starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(port: number, controllerPort: number, logDir: string): string {
  const lines = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': String(PARTITIONS),
    'auto.create.topics.enable': 'true',
    // One broker: internal topics cannot have more replicas, or consumer groups and transactions hang.
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'default.replication.factor': '1',
    'min.insync.replicas': '1',
    // Tests join groups constantly; the default 3 s delay would dominate their run time.
    'group.initial.rebalance.delay.ms': '0',
    // The controller appends a no-op record to the metadata log every 500 ms by default, which a single idle
    // broker pays for: 2.8 % of a core idle against 1.6 % at 10 s (a bare broker, 60 s windows, three runs each).
    'metadata.max.idle.interval.ms': '10000',
    'num.network.threads': '2',
    'num.io.threads': '4',
    'log.retention.hours': '168',
    'log.segment.bytes': String(64 * 1024 * 1024),
  };
  return `${Object.entries(lines)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

// Console only: the launcher sends the broker's output to .local/logs/<profile>/kafka.log.
const LOG4J2_PROPERTIES = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRefs = stdout
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;
