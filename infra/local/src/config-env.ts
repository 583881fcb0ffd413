import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import type { InfraEndpoints } from './index.ts';

export type ConfigEnv = Record<string, string>;

/** Ports of the services `npm start` runs, by folder name under services/. */
export const SERVICE_URLS = {
  web: { variable: 'WEB_URL', port: 4000 },
  campaign: { variable: 'CAMPAIGN_URL', port: 4001 },
  donation: { variable: 'DONATION_URL', port: 4002 },
  disbursement: { variable: 'DISBURSEMENT_URL', port: 4003 },
  ledger: { variable: 'LEDGER_URL', port: 4004 },
} as const;

/** Where `npm start` runs the local Stripe test mode (in front of stripe-mock). */
export const STRIPE_TEST_MODE_PORT = 4010;

type Random = (bytes: number) => Buffer;

/**
 * Settings for a local run. Secrets are generated once and kept in .local/config.env, so that data written
 * under one start (encrypted donor data, signed webhooks) still reads under the next; the endpoints follow
 * whatever infrastructure runs now; and anything set in the environment wins.
 */
export function buildConfigEnv(input: {
  previous: ConfigEnv;
  env: Readonly<Record<string, string | undefined>>;
  endpoints: InfraEndpoints;
  random?: Random;
}): ConfigEnv {
  const random = input.random ?? randomBytes;
  const generated: ConfigEnv = {
    PLATFORM_ADMIN_KEY: random(24).toString('base64url'),
    STRIPE_WEBHOOK_SECRET: `whsec_${random(24).toString('base64url')}`,
    STRIPE_SECRET_KEY: 'sk_test_local',
    DONOR_DATA_KEY: random(32).toString('base64'),
    // Signs the ledger's checkpoints; kept across starts so earlier checkpoints still verify.
    LEDGER_SIGNING_KEY: random(32).toString('base64'),
    // What a scraper sends (Authorization: Bearer) to read any service's /metrics.
    METRICS_TOKEN: random(24).toString('base64url'),
    // Signs the web's anti-forgery form tokens; kept so forms open in a browser survive a restart.
    WEB_FORM_SECRET: random(32).toString('base64'),
    // Signs people's console sessions (campaign service); the others check them with its public key, below.
    SESSION_SIGNING_KEY: random(32).toString('base64'),
  };
  const urls: ConfigEnv = {};
  for (const { variable, port } of Object.values(SERVICE_URLS)) urls[variable] = `http://127.0.0.1:${port}`;
  const current: ConfigEnv = {
    KAFKA_BROKERS: input.endpoints.kafkaBrokers,
    MONGO_URL: input.endpoints.mongoUrl,
    STRIPE_API_BASE: input.endpoints.stripeApiBase,
    ...(input.endpoints.smtpUrl ? { SMTP_URL: input.endpoints.smtpUrl } : {}),
    ...(input.endpoints.mailInboxUrl ? { MAIL_INBOX_URL: input.endpoints.mailInboxUrl } : {}),
    ...(input.endpoints.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: input.endpoints.otlpEndpoint } : {}),
    ...(input.endpoints.traceViewerUrl ? { TRACE_VIEWER_URL: input.endpoints.traceViewerUrl } : {}),
  };
  // Without a local Stripe test mode (STRIPE_TEST_MODE_URL set to nothing), the services talk to STRIPE_API_BASE.
  urls['STRIPE_TEST_MODE_URL'] = `http://127.0.0.1:${STRIPE_TEST_MODE_PORT}`;
  const config: ConfigEnv = { ...generated, ...urls, ...input.previous, ...current };
  for (const key of Object.keys(config)) {
    const value = input.env[key];
    if (value !== undefined && value !== '') config[key] = value;
  }
  // The public half of the session key, derived here so the two can never disagree.
  const seed = config['SESSION_SIGNING_KEY'];
  if (seed && !input.env['SESSION_VERIFY_KEY'])
    config['SESSION_VERIFY_KEY'] = sessionVerifyKeyOf(Buffer.from(seed, 'base64'));
  // Each API service serves /metrics on a port of its own: PORT + 100, the services' default.
  for (const [name, { variable }] of Object.entries(SERVICE_URLS)) {
    const url = config[variable];
    if (name === 'web' || url === undefined) continue;
    const target = new URL(url);
    target.port = String(Number(target.port || 80) + 100);
    config[`${name.toUpperCase()}_METRICS_URL`] = target.origin;
  }
  return config;
}

/**
 * The settings of the services when the local Stripe test mode stands in front of stripe-mock: the services
 * and the web talk to it as to Stripe; it sends the webhooks to the donation service.
 */
export function withStripeTestMode(config: ConfigEnv): ConfigEnv {
  const testMode = config['STRIPE_TEST_MODE_URL'];
  if (!testMode) return config;
  return {
    ...config,
    STRIPE_MOCK_URL: config['STRIPE_API_BASE'] ?? '',
    STRIPE_API_BASE: testMode,
    PAYMENTS_MODE: 'test',
  };
}

/** Base64 of the raw Ed25519 public key of a 32-byte seed (PKCS#8 and SPKI wrappings per RFC 8410). */
export function sessionVerifyKeyOf(seed: Buffer): string {
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
}

// `&`, `?` and friends in an unquoted value would be shell syntax (MONGO_URL has both).
const SAFE = /^[A-Za-z0-9_@%+=:,./-]*$/;

/** `KEY=value` lines a POSIX shell can `source`, quoting only values that need it. */
export function renderConfigEnv(config: ConfigEnv): string {
  const lines = [
    '# Generated by `npm start`; secrets are kept across starts. Delete this file to regenerate them.',
  ];
  for (const [key, value] of Object.entries(config)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new Error(`not a valid environment variable name: ${key}`);
    lines.push(`${key}=${SAFE.test(value) ? value : quote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function parseConfigEnv(text: string): ConfigEnv {
  const config: ConfigEnv = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match === null) continue;
    const [, key = '', raw = ''] = match;
    config[key] = unquote(raw.trim());
  }
  return config;
}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function unquote(raw: string): string {
  if (!raw.startsWith("'")) return raw;
  // Inverse of quote(): 'a'\''b' → a'b.
  return raw
    .split(`'\\''`)
    .map((part) => part.replace(/^'/, '').replace(/'$/, ''))
    .join("'");
}
