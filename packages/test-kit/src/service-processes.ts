import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose, { type Connection } from 'mongoose';
import { testEndpoints, uniqueName } from './endpoints.ts';
import { limitsOutOfTheWay } from './from-address.ts';

/** Another service, started for a test as its own process, exactly as `npm start` starts it. */
export interface ServiceProcess {
  url: string;
  pid: number | undefined;
  /** SIGTERM, and SIGKILL if it has not exited 10 s later. */
  stop(): Promise<void>;
}

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The folder of a workspace service by its package name, looked up when a test runs: a service is an
 * application, so tests of another service start it rather than import it, and know it only by name.
 */
export function serviceFolder(packageName: string): string {
  for (const entry of readdirSync(join(workspaceRoot, 'services'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = join(workspaceRoot, 'services', entry.name);
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === packageName) return folder;
    } catch {
      // a folder without a package.json is no service
    }
  }
  throw new Error(`no workspace service is named ${packageName}`);
}

/** A port nothing listens on now, from the operating system. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Stops a child process: SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a workspace service (`node src/main.ts` in its folder) on a free port against the test infrastructure,
 * with `env` over the inherited environment, and waits until `/readyz` answers: by then its consumers have
 * joined their groups, as `startService` starts them before it listens.
 */
export async function startServiceProcess(
  packageName: string,
  env: Record<string, string>,
  options: { readyWithinMs?: number } = {},
): Promise<ServiceProcess> {
  const folder = serviceFolder(packageName);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--import', '@aid/telemetry/register', 'src/main.ts'],
    {
      cwd: folder,
      // Metrics on a port of their own choosing: the default, PORT + 100, may be another process's.
      env: { ...process.env, METRICS_PORT: '0', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Only the tail is kept, for the error message when the service does not come up.
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 60) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () => stopChild(child);
  const deadline = Date.now() + (options.readyWithinMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${packageName} exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok)
        return { url, pid: child.pid, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`${packageName} was not ready at ${url}/readyz in time:\n${output.join('')}`);
}

/** The settings every service started for a test shares: the test infrastructure, fresh consumer groups from the end of the topics. */
function infrastructureEnv(prefix: string): Record<string, string> {
  const endpoints = testEndpoints();
  return {
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    MONGO_URL: endpoints.mongoUrl,
    STRIPE_API_BASE: endpoints.stripeApiBase,
    KAFKA_GROUP_PREFIX: `${uniqueName(prefix)}.`,
    KAFKA_START_AT: 'end',
    LOG_LEVEL: 'warn',
    ...limitsOutOfTheWay,
  };
}

/** The ledger as a process, with its own database and a fresh signing key; `env` overrides its settings. */
export async function startLedgerProcess(
  env: Record<string, string> = {},
): Promise<ServiceProcess & { database: string }> {
  const database = uniqueName('ledger');
  const service = await startServiceProcess('@aid/ledger-service', {
    ...infrastructureEnv('ledger'),
    LEDGER_DB_NAME: database,
    LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
    LEDGER_ORIGIN: 'ledger.test.localhost',
    ...env,
  });
  return { ...service, database };
}

/**
 * The campaign service as a process, with its own database and a fresh platform administrator key; `env`
 * overrides its settings (SMTP_URL for sign-in links, PUBLIC_WEB_URL for where they point).
 */
export async function startCampaignProcess(
  env: Record<string, string> = {},
): Promise<ServiceProcess & { database: string; platformKey: string }> {
  const database = uniqueName('campaign');
  const platformKey = `platform-${randomBytes(24).toString('hex')}`;
  const service = await startServiceProcess('@aid/campaign-service', {
    ...infrastructureEnv('campaign'),
    CAMPAIGN_DB_NAME: database,
    PLATFORM_ADMIN_KEY: platformKey,
    ...env,
  });
  return { ...service, database, platformKey };
}

/**
 * The donation service as a process against stripe-mock, with its own database, donor-data key and webhook
 * secret (sign test webhooks with it: `signStripeWebhook`); `env` overrides its settings.
 */
export async function startDonationProcess(
  env: Record<string, string> = {},
): Promise<ServiceProcess & { database: string; webhookSecret: string }> {
  const database = uniqueName('donation');
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const service = await startServiceProcess('@aid/donation-service', {
    ...infrastructureEnv('donation'),
    DONATION_DB_NAME: database,
    STRIPE_SECRET_KEY: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    DONOR_DATA_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  return { ...service, database, webhookSecret };
}

/** The disbursement service as a process, with its own database; `env` overrides its settings. */
export async function startDisbursementProcess(
  env: Record<string, string> = {},
): Promise<ServiceProcess & { database: string }> {
  const database = uniqueName('disbursement');
  const service = await startServiceProcess('@aid/disbursement-service', {
    ...infrastructureEnv('disbursement'),
    DISBURSEMENT_DB_NAME: database,
    ...env,
  });
  return { ...service, database };
}

export type ServiceDatabase = Connection;

/**
 * A service's database through the test's own connection, for a test that must see or change what the service
 * stored where no API shows it. Builds no indexes: the service owns them.
 */
export async function openDatabase(database: string): Promise<ServiceDatabase> {
  return mongoose
    .createConnection(testEndpoints().mongoUrl, {
      dbName: database,
      autoIndex: false,
      serverSelectionTimeoutMS: 10_000,
    })
    .asPromise();
}
