import { configOrExit } from '@aid/config';
import { startService, stopOnSignals } from '@aid/runtime';
import { buildApp } from './app.ts';
import { loadLedgerConfig } from './config.ts';

const config = configOrExit(loadLedgerConfig);
const service = await startService({
  name: 'ledger',
  config,
  dbName: config.LEDGER_DB_NAME,
  build: (deps) => buildApp(deps, config),
});
stopOnSignals(service, service.deps.logger);
