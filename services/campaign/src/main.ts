import { startService, stopOnSignals } from '@aid/runtime';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const service = await startService({
  name: 'campaign',
  config,
  dbName: 'aid_campaign',
  build: (deps) => buildApp(deps, config),
});
stopOnSignals(service, service.deps.logger);
