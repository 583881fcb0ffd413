import { ConfigError } from '@aid/config';
import { startService, stopOnSignals } from '@aid/runtime';
import { buildApp, serviceName } from './app.ts';
import { loadConfig, type DonationConfig } from './config.ts';

function configOrExit(): DonationConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The operator needs the list of variables to fix, not a stack trace.
    console.error(error.message);
    process.exit(1);
  }
}

const config = configOrExit();
const service = await startService({
  name: serviceName,
  config,
  dbName: config.DONATION_DB_NAME,
  build: (deps) => buildApp(deps, config),
});
stopOnSignals(service, service.deps.logger);
