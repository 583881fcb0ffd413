import { startService, type RunningService } from '@aid/runtime';
import { limitsOutOfTheWay, testEndpoints, uniqueName } from '@aid/test-kit';
import { buildApp } from '../app.ts';
import { loadLedgerConfig } from '../config.ts';

/** A fixed test key: the tests check signatures against the verifier key the ledger publishes. */
export const testSigningSeed = Buffer.alloc(32, 7);

/** The ledger in-process on a free port, with its own database and consumer group; `env` overrides its settings. */
export async function startLedgerForTest(
  env: Record<string, string> = {},
): Promise<RunningService & { groupPrefix: string }> {
  const endpoints = testEndpoints();
  const groupPrefix = `${uniqueName('t')}.`;
  const config = loadLedgerConfig({
    PORT: '0',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    KAFKA_GROUP_PREFIX: groupPrefix,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'warn',
    LEDGER_SIGNING_KEY: testSigningSeed.toString('base64'),
    LEDGER_ORIGIN: 'ledger.test.localhost',
    ...limitsOutOfTheWay,
    ...env,
  });
  const service = await startService({
    name: 'ledger',
    config,
    dbName: uniqueName('ledger'),
    build: (deps) => buildApp(deps, config),
  });
  return { ...service, groupPrefix };
}
