import { configOrExit } from '@aid/config';
import { startService, stopOnSignals } from '@aid/runtime';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = configOrExit(loadConfig);
const service = await startService({
  name: 'campaign',
  config,
  dbName: config.CAMPAIGN_DB_NAME,
  build: (deps) => buildApp(deps, config),
});
stopOnSignals(service, service.deps.logger);
