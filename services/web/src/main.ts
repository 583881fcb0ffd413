import { configOrExit } from '@aid/config';
import { createHttpMetrics, measureRequests, metricsApp } from '@aid/runtime/http-metrics';
import { listen } from '@aid/runtime/listen';
import express from 'express';
import { randomBytes } from 'node:crypto';
import { createLogger, startTelemetry } from '@aid/telemetry';
import { buildWebApp } from './app.ts';
import { campaignClient } from './campaign-client.ts';
import { loadWebConfig } from './config.ts';
import { consoleSessions } from './console/console-session.ts';
import { donationClient } from './donation-client.ts';
import { testModePayments } from './giving/test-mode-payments.ts';
import type { PaymentsSetup } from './giving/giving-routes.ts';
import { formGuard } from './http/form-guard.ts';
import { ledgerClient } from './ledger-client.ts';

const config = configOrExit(loadWebConfig);
// Its spans (requests, and the calls to the services that carry their trace on) come from the instrumentations.
const telemetry = startTelemetry({ serviceName: 'web', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger('web', config.LOG_LEVEL);

function paymentsSetup(): PaymentsSetup | null {
  if (config.PAYMENTS_MODE === 'test') {
    logger.warn(
      { stripe: config.STRIPE_API_BASE ?? 'https://api.stripe.com' },
      'payments in TEST MODE: donors are offered Stripe test cards, no real money moves',
    );
    return {
      mode: 'test',
      payments: testModePayments({
        apiBase: config.STRIPE_API_BASE ?? 'https://api.stripe.com',
        secretKey: config.STRIPE_SECRET_KEY ?? '',
      }),
    };
  }
  if (config.STRIPE_PUBLISHABLE_KEY) return { mode: 'stripe', publishableKey: config.STRIPE_PUBLISHABLE_KEY };
  logger.warn('no STRIPE_PUBLISHABLE_KEY: the site shows the public record but takes no gifts');
  return null;
}

const formSecret = config.WEB_FORM_SECRET ? Buffer.from(config.WEB_FORM_SECRET, 'base64') : randomBytes(32);
if (!config.WEB_FORM_SECRET)
  logger.warn(
    'no WEB_FORM_SECRET: forms are signed with a key of this process only (open forms fail after a restart, and on other instances)',
  );
const payments = paymentsSetup();
const app = buildWebApp({
  ledger: ledgerClient(config.LEDGER_URL),
  ledgerUrl: config.LEDGER_URL,
  logger,
  trustProxy: config.TRUST_PROXY,
  campaigns: campaignClient(config.CAMPAIGN_URL),
  console: {
    sessions: consoleSessions(formSecret),
    forms: formGuard(formSecret),
    services: {
      campaign: config.CAMPAIGN_URL,
      donation: config.DONATION_URL,
      disbursement: config.DISBURSEMENT_URL,
    },
    publicUrl: config.PUBLIC_WEB_URL,
  },
  ...(payments
    ? {
        giving: {
          donations: donationClient(config.DONATION_URL),
          forms: formGuard(formSecret),
          payments,
          publicUrl: config.PUBLIC_WEB_URL,
        },
      }
    : {}),
});
const metrics = createHttpMetrics('web');
const root = express();
root.disable('x-powered-by');
root.use(measureRequests(metrics));
root.use(app);
// Metrics tell outsiders about traffic: never on the public port.
// A port that cannot be had stops the start (exit 1, the address named), rather than a web that listens nowhere.
const metricsServer = await listen(
  metricsApp(metrics.registry, config.METRICS_TOKEN),
  config.METRICS_PORT ?? (config.PORT === 0 ? 0 : config.PORT + 100),
  config.METRICS_HOST,
);
const server = await listen(root, config.PORT, config.HOST);
logger.info(
  { url: `http://${config.HOST}:${config.PORT}`, giving: payments?.mode ?? 'off' },
  'web listening',
);

function stop(signal: NodeJS.Signals): void {
  logger.info({ signal }, 'shutting down');
  metricsServer.close();
  server.close(() => {
    void telemetry.shutdown().finally(() => process.exit(0));
  });
  server.closeIdleConnections();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
