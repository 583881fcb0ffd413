import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sessionVerifyKeyOf } from '@aid/local-infra';
import { limitsOutOfTheWay } from '@aid/test-kit';
import { freePort, stopChild } from '@aid/test-kit/service-processes';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const serviceNames = ['campaign', 'donation', 'disbursement', 'ledger', 'web'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceProcesses {
  urls: Record<ServiceName, string>;
  /** Where each API service serves `/metrics` (a port of its own, not the public one). */
  metricsUrls: Record<Exclude<ServiceName, 'web'>, string>;
  secrets: { platformAdminKey: string; stripeWebhookSecret: string; metricsToken: string };
  /** The process id of each service, for resource figures. */
  pids: Record<ServiceName, number | undefined>;
  /** SIGTERM to every service, SIGKILL to any still running 10 s later. */
  stop(): Promise<void>;
  /** SIGKILL to one service, as a crash or an OOM kill would end it: no shutdown hooks run. */
  kill(name: ServiceName): Promise<void>;
  /** Starts a killed service again on its port, with its database and consumer groups, and waits until ready. */
  restart(name: ServiceName): Promise<void>;
  /**
   * Starts one more instance of a service, sharing its database and consumer groups (so Kafka splits the
   * partitions between the instances), on a port of its own.
   */
  addInstance(name: ServiceName): Promise<ServiceInstance>;
}

export interface ServiceInstance {
  url: string;
  /** SIGTERM: the instance leaves its consumer groups and finishes what it was doing. */
  stop(): Promise<void>;
  /** SIGKILL. */
  kill(): Promise<void>;
}

async function waitReady(name: string, url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}:\n${output.slice(-30).join('')}`);
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready at ${url}/readyz within 60 s:\n${output.slice(-30).join('')}`);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * Starts every service as its own process, exactly as `npm start` does, on free ports with fresh databases and
 * consumer groups that start at the end of the topics. The infrastructure comes from the environment
 * (KAFKA_BROKERS, MONGO_URL, STRIPE_API_BASE).
 */
export async function startServiceProcesses(
  options: { logLevel?: string; env?: Record<string, string> } = {},
): Promise<ServiceProcesses> {
  const run = randomBytes(4).toString('hex');
  const ports = Object.fromEntries(
    await Promise.all(serviceNames.map(async (name) => [name, await freePort()] as const)),
  ) as Record<ServiceName, number>;
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  const apiServices = serviceNames.filter((name): name is Exclude<ServiceName, 'web'> => name !== 'web');
  const metricsPorts = Object.fromEntries(
    await Promise.all(apiServices.map(async (name) => [name, await freePort()] as const)),
  ) as Record<Exclude<ServiceName, 'web'>, number>;
  const secrets = {
    PLATFORM_ADMIN_KEY: randomBytes(32).toString('base64url'),
    STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString('hex')}`,
    STRIPE_SECRET_KEY: 'sk_test_e2e',
    DONOR_DATA_KEY: randomBytes(32).toString('base64'),
    LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
    METRICS_TOKEN: randomBytes(24).toString('base64url'),
    SESSION_SIGNING_KEY: randomBytes(32).toString('base64'),
  };
  const env = {
    ...process.env,
    ...secrets,
    SESSION_VERIFY_KEY: sessionVerifyKeyOf(Buffer.from(secrets.SESSION_SIGNING_KEY, 'base64')),
    // The campaign service's sign-in emails link to the web by name: a passkey needs a host name, not an address.
    CAMPAIGN_PUBLIC_WEB_URL: `http://localhost:${ports.web}`,
    LOG_LEVEL: options.logLevel ?? 'warn',
    KAFKA_GROUP_PREFIX: `e2e-${run}.`,
    KAFKA_START_AT: 'end',
    CAMPAIGN_URL: url('campaign'),
    DONATION_URL: url('donation'),
    DISBURSEMENT_URL: url('disbursement'),
    LEDGER_URL: url('ledger'),
    CAMPAIGN_DB_NAME: `e2e_${run}_campaign`,
    DONATION_DB_NAME: `e2e_${run}_donation`,
    DISBURSEMENT_DB_NAME: `e2e_${run}_disbursement`,
    LEDGER_DB_NAME: `e2e_${run}_ledger`,
    ...limitsOutOfTheWay,
    ...options.env,
  };
  const children = new Map<ServiceName, ChildProcess>();
  const extraInstances = new Set<ChildProcess>();
  const stop = async () => {
    await Promise.all([...children.values(), ...extraInstances].map(stopChild));
  };
  const spawnService = async (name: ServiceName, port: number): Promise<ChildProcess> => {
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=TimeoutNegativeWarning',
        '--import',
        './packages/telemetry/src/register.ts',
        `services/${name}/src/main.ts`,
      ],
      {
        cwd: root,
        // A restarted service keeps its metrics port; an extra instance takes a free one.
        env: {
          ...env,
          ...(name === 'campaign' ? { PUBLIC_WEB_URL: env.CAMPAIGN_PUBLIC_WEB_URL } : {}),
          PORT: String(port),
          METRICS_PORT: name === 'web' ? '0' : String(port === ports[name] ? metricsPorts[name] : 0),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    // Only the tail is kept, for the error message when a service does not come up.
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 60) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitReady(name, `http://127.0.0.1:${port}`, child, output);
    return child;
  };
  const launch = async (name: ServiceName) => {
    children.set(name, await spawnService(name, ports[name]));
  };
  try {
    await Promise.all(serviceNames.map(launch));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: Object.fromEntries(serviceNames.map((name) => [name, url(name)])) as Record<ServiceName, string>,
    metricsUrls: Object.fromEntries(
      apiServices.map((name) => [name, `http://127.0.0.1:${metricsPorts[name]}`]),
    ) as Record<Exclude<ServiceName, 'web'>, string>,
    secrets: {
      platformAdminKey: secrets.PLATFORM_ADMIN_KEY,
      stripeWebhookSecret: secrets.STRIPE_WEBHOOK_SECRET,
      metricsToken: secrets.METRICS_TOKEN,
    },
    pids: Object.fromEntries(serviceNames.map((name) => [name, children.get(name)?.pid])) as Record<
      ServiceName,
      number | undefined
    >,
    stop,
    async kill(name) {
      const child = children.get(name);
      if (child) await killChild(child);
    },
    restart: launch,
    async addInstance(name) {
      const port = await freePort();
      const child = await spawnService(name, port);
      extraInstances.add(child);
      return { url: `http://127.0.0.1:${port}`, stop: () => stopChild(child), kill: () => killChild(child) };
    },
  };
}
