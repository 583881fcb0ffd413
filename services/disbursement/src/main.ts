import { configOrExit } from '@aid/config';
import { startService, stopOnSignals } from '@aid/runtime';
import { buildApp, serviceName } from './app.ts';
import { loadConfig } from './config.ts';

const config = configOrExit(loadConfig);
const service = await startService({
  name: serviceName,
  config,
  dbName: config.DISBURSEMENT_DB_NAME,
  build: (deps) => buildApp(deps, config),
});
stopOnSignals(service, service.deps.logger);
