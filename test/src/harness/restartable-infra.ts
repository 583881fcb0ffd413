import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  resolveProfile,
  startFerretdb,
  startKafka,
  type ManagedProcess,
  type Profile,
  type StartedPart,
} from '@aid/local-infra';
import { freePort } from '@aid/test-kit/service-processes';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface RestartableInfra {
  /** KAFKA_BROKERS and MONGO_URL of this infrastructure, for the services under test. */
  env: { KAFKA_BROKERS: string; MONGO_URL: string };
  /** SIGKILL to the broker: no clean shutdown, logs recovered on the next start. */
  killBroker(): Promise<void>;
  startBroker(): Promise<void>;
  /** SIGKILL to the database server. */
  killDatabase(): Promise<void>;
  startDatabase(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Kafka broker and a FerretDB of the fault tests' own, on free ports and in their own folders, so the tests can
 * kill and restart them without touching what other tests use. Their data survives a restart, as a real
 * broker's and database's would.
 */
export async function startRestartableInfra(): Promise<RestartableInfra> {
  const ports = {
    LOCAL_KAFKA_PORT: await freePort(),
    LOCAL_KAFKA_CONTROLLER_PORT: await freePort(),
    LOCAL_MONGO_PORT: await freePort(),
  };
  const base = resolveProfile(
    'test',
    root,
    Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
  );
  const profile: Profile = {
    ...base,
    dirs: {
      ...base.dirs,
      data: path.join(base.dirs.root, '.local', 'data', 'faults'),
      logs: path.join(base.dirs.root, '.local', 'logs', 'faults'),
    },
  };
  fs.rmSync(profile.dirs.data, { recursive: true, force: true });
  fs.rmSync(profile.dirs.logs, { recursive: true, force: true });
  fs.mkdirSync(profile.dirs.data, { recursive: true });
  fs.mkdirSync(profile.dirs.logs, { recursive: true });

  let broker: StartedPart = await startKafka(profile);
  let database: StartedPart = await startFerretdb(profile).catch(async (error: unknown) => {
    await broker.process.stop();
    throw error;
  });
  const kill = async (part: ManagedProcess) => {
    process.kill(-part.pid, 'SIGKILL');
    await part.exited;
  };
  return {
    env: { KAFKA_BROKERS: broker.endpoint, MONGO_URL: database.endpoint },
    killBroker: () => kill(broker.process),
    async startBroker() {
      broker = await startKafka(profile);
    },
    killDatabase: () => kill(database.process),
    async startDatabase() {
      database = await startFerretdb(profile);
    },
    async stop() {
      await Promise.all([broker.process.stop(), database.process.stop()]);
    },
  };
}
