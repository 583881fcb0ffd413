import { startService, type RunningService } from '@aid/runtime';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import { buildApp } from '../app.ts';
import { loadLedgerConfig } from '../config.ts';

/** The ledger in-process on a free port, with its own database and consumer group. */
export async function startLedgerForTest(): Promise<RunningService & { groupPrefix: string }> {
  const endpoints = testEndpoints();
  const groupPrefix = `${uniqueName('t')}.`;
  const config = loadLedgerConfig({
    PORT: '0',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    KAFKA_GROUP_PREFIX: groupPrefix,
    LOG_LEVEL: 'warn',
  });
  const service = await startService({ name: 'ledger', config, dbName: uniqueName('ledger'), build: buildApp });
  return { ...service, groupPrefix };
}
