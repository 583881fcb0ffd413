import { createLogger } from '@aid/telemetry';
import { buildWebApp } from './app.ts';
import { loadWebConfig } from './config.ts';
import { ledgerClient } from './ledger-client.ts';

const config = loadWebConfig();
const logger = createLogger('web', config.LOG_LEVEL);
const app = buildWebApp({ ledger: ledgerClient(config.LEDGER_URL), ledgerUrl: config.LEDGER_URL, logger, trustProxy: config.TRUST_PROXY });
const server = app.listen(config.PORT, config.HOST, () => {
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'web listening');
});

function stop(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
