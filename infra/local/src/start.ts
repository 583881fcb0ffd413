// `npm start`: the `dev` profile's infrastructure, every service under services/, and demo data.
import fs from 'node:fs';
import path from 'node:path';
import { elapsed, onStopSignal, printLogTails, quietKnownWarnings, repoRoot, signalExitCode } from './cli.ts';
import {
  buildConfigEnv,
  parseConfigEnv,
  renderConfigEnv,
  SERVICE_URLS,
  withStripeTestMode,
} from './config-env.ts';
import type { ConfigEnv } from './config-env.ts';
import { AlreadyRunningError, infraLogFiles, startLocalInfra } from './index.ts';
import type { RunningInfra } from './index.ts';
import { describeExit, httpStatus, onParentDeath, spawnManaged, stopAll, waitUntil } from './process.ts';
import type { ManagedProcess } from './process.ts';
import { resolveProfile } from './profile.ts';

const READY_TIMEOUT_MS = 60_000;
const configFile = path.join(repoRoot, '.local', 'config.env');

quietKnownWarnings();
const t0 = performance.now();
const services: ManagedProcess[] = [];
/** Dev tools the services depend on (the Stripe test mode), stopped after them. */
const tools: ManagedProcess[] = [];
let infra: RunningInfra | undefined;
let shuttingDown: Promise<never> | undefined;

onStopSignal((signal) => void shutdown(signalExitCode(signal), `${signal} received`));
onParentDeath(() => void shutdown(1, 'the launching process went away'));

try {
  await main();
} catch (error) {
  console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}

async function main(): Promise<void> {
  infra = await startLocalInfra({ profile: 'dev', root: repoRoot, log: (line) => console.log(line) }).catch(
    (error: unknown) => {
      if (!(error instanceof AlreadyRunningError))
        printLogTails(infraLogFiles(resolveProfile('dev', repoRoot)));
      throw error;
    },
  );
  if (shuttingDown !== undefined) return;

  const previous = fs.existsSync(configFile) ? parseConfigEnv(fs.readFileSync(configFile, 'utf8')) : {};
  const settings = buildConfigEnv({ previous, env: process.env, endpoints: infra.endpoints });
  // Test mode only in front of the stripe-mock started here, never in front of a Stripe given by STRIPE_API_BASE.
  const stripeStartedHere = resolveProfile('dev', repoRoot).external.stripeApiBase === undefined;
  const config = stripeStartedHere ? withStripeTestMode(settings) : settings;
  fs.writeFileSync(configFile, renderConfigEnv(config), { mode: 0o600 });
  if (config['PAYMENTS_MODE'] === 'test') await startStripeTestMode(config);

  const urls = new Map<string, string>();
  for (const name of serviceNames()) {
    const url = serviceUrl(name, config);
    urls.set(name, url);
    services.push(startService(name, url, config));
  }
  await Promise.all(
    services.map((service) =>
      waitUntil(async () => (await httpStatus(`${urls.get(service.name)}/readyz`)) === 200, {
        what: `service ${service.name} did not answer 200 on ${urls.get(service.name)}/readyz`,
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 300,
        process: service,
      }),
    ),
  );
  // From here on, a service that stops on its own is a failure.
  for (const service of services) {
    void service.exited.then((exit) =>
      shutdown(1, `service ${service.name} stopped (${describeExit(exit)})`),
    );
  }
  if (services.length === 0) console.log('▸ services … none yet (no services/<name>/src/main.ts)');

  await seed(config);
  printSummary(config, urls);
}

/** The local Stripe test mode, before the services: they create their PaymentIntents through it. */
async function startStripeTestMode(config: ConfigEnv): Promise<void> {
  const url = config['STRIPE_API_BASE'] ?? '';
  const testMode = spawnManaged({
    name: 'stripe-test-mode',
    command: process.execPath,
    args: [path.join('infra', 'stripe-test-mode', 'src', 'main.ts')],
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: new URL(url).port,
      STRIPE_MOCK_URL: config['STRIPE_MOCK_URL'] ?? '',
      STRIPE_WEBHOOK_URL: `${config['DONATION_URL'] ?? ''}/v1/webhooks/stripe`,
      STRIPE_WEBHOOK_SECRET: config['STRIPE_WEBHOOK_SECRET'] ?? '',
    },
    onLine: (line) => console.log(`${'[stripe-test]'.padEnd(15)}${line}`),
    marker: path.join('infra', 'stripe-test-mode', 'src', 'main.ts'),
  });
  tools.push(testMode);
  void testMode.exited.then((exit) => shutdown(1, `the Stripe test mode stopped (${describeExit(exit)})`));
  await waitUntil(async () => (await httpStatus(`${url}/healthz`)) === 200, {
    what: `Stripe test mode did not answer on ${url}/healthz`,
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 200,
    process: testMode,
  });
}

// Services the launcher does not know get ports from here: 4000–4004 are the five services and 4100–4104 their
// metrics (PORT + 100), so an added service and its metrics (4300…) collide with none of them.
const firstUnlistedPort = 4200;

function serviceNames(): string[] {
  const dir = path.join(repoRoot, 'services');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'src', 'main.ts')))
    .sort((a, b) => portOf(a) - portOf(b) || a.localeCompare(b));
}

function portOf(name: string): number {
  return name in SERVICE_URLS ? SERVICE_URLS[name as keyof typeof SERVICE_URLS].port : firstUnlistedPort;
}

/** Known services take their URL from config.env (so an override moves them); others get a port from 4200. */
function serviceUrl(name: string, config: ConfigEnv): string {
  const known = name in SERVICE_URLS ? SERVICE_URLS[name as keyof typeof SERVICE_URLS] : undefined;
  if (known !== undefined) return config[known.variable] ?? `http://127.0.0.1:${known.port}`;
  const unknownIndex = serviceNames()
    .filter((other) => !(other in SERVICE_URLS))
    .indexOf(name);
  return `http://127.0.0.1:${firstUnlistedPort + unknownIndex}`;
}

function startService(name: string, url: string, config: ConfigEnv): ManagedProcess {
  const port = new URL(url).port || '80';
  const prefix = `[${name}]`.padEnd(15);
  return spawnManaged({
    name,
    command: process.execPath,
    // The OpenTelemetry instrumentations patch modules as they load, so they are loaded before the service.
    args: [
      '--import',
      path.join(repoRoot, 'packages', 'telemetry', 'src', 'register.ts'),
      path.join('services', name, 'src', 'main.ts'),
    ],
    cwd: repoRoot,
    // The web passes its visitors' addresses on to the ledger (for the per-address limit on traces): on this
    // machine it is a proxy on loopback.
    env: {
      ...process.env,
      ...config,
      PORT: port,
      // So is it for the donation service (donors give through the web, and the per-address limits count donors)
      // and the campaign service (people sign in through the web, and its sign-in limits count people).
      ...(name === 'ledger' || name === 'donation' || name === 'campaign'
        ? { TRUST_PROXY: process.env['TRUST_PROXY'] ?? 'loopback' }
        : {}),
      // Receipts link to the web's trace page.
      ...(name === 'donation' ? { PUBLIC_WEB_URL: config['PUBLIC_WEB_URL'] ?? config['WEB_URL'] ?? '' } : {}),
    },
    onLine: (line) => console.log(`${prefix}${line}`),
    marker: path.join('services', name, 'src', 'main.ts'),
  });
}

async function seed(config: ConfigEnv): Promise<void> {
  const script = path.join(repoRoot, 'scripts', 'seed.ts');
  if (process.env['SEED'] === 'false') {
    console.log('▸ demo data … skipped (SEED=false)');
    return;
  }
  if (!fs.existsSync(script)) {
    console.log('▸ demo data … skipped (no scripts/seed.ts yet)');
    return;
  }
  const started = performance.now();
  const seeding = spawnManaged({
    name: 'seed',
    command: process.execPath,
    args: [script],
    cwd: repoRoot,
    env: { ...process.env, ...config },
    onLine: (line) => console.log(`${'[seed]'.padEnd(15)}${line}`),
  });
  const exit = await seeding.exited;
  if (exit.code !== 0) throw new Error(`scripts/seed.ts failed (${describeExit(exit)})`);
  console.log(`▸ demo data … ready (${elapsed(started)})`);
}

function printSummary(config: ConfigEnv, urls: Map<string, string>): void {
  const web = urls.get('web') ?? config['WEB_URL'];
  const lines = ['', `  Web          ${web}${urls.has('web') ? '' : '  (not running: no services/web yet)'}`];
  // Passkeys need a host name, and the sign-in emails link to this one.
  if (urls.has('web') && web)
    lines.push(
      `  Console      ${web.replace('127.0.0.1', 'localhost')}/console/sign-in  (sign-in links arrive in the mail inbox)`,
    );
  for (const [name, url] of urls) {
    if (name === 'web') continue;
    const metrics = config[`${name.toUpperCase()}_METRICS_URL`];
    lines.push(`  ${name.padEnd(13)}${url}${metrics ? `  (metrics: ${metrics}/metrics)` : ''}`);
  }
  lines.push('  Metrics      need  Authorization: Bearer $METRICS_TOKEN  (in the settings file)');
  lines.push(
    `  Kafka        ${config['KAFKA_BROKERS']}`,
    `  MongoDB      ${config['MONGO_URL']}`,
    ...(config['PAYMENTS_MODE'] === 'test'
      ? [
          `  Stripe       TEST MODE ${config['STRIPE_API_BASE']}  (in front of stripe-mock ${config['STRIPE_MOCK_URL']}; test cards, no real money)`,
        ]
      : [`  Stripe API   ${config['STRIPE_API_BASE']}`]),
    ...(config['MAIL_INBOX_URL']
      ? [`  Mail inbox   ${config['MAIL_INBOX_URL']}  (every email the platform sends, e.g. receipts)`]
      : []),
    ...(config['TRACE_VIEWER_URL']
      ? [`  Traces       ${config['TRACE_VIEWER_URL']}  (Zipkin: each gift is one trace across the services)`]
      : config['OTEL_EXPORTER_OTLP_ENDPOINT']
        ? [`  Traces       exported to ${config['OTEL_EXPORTER_OTLP_ENDPOINT']}`]
        : []),
    `  Settings     ${path.relative(process.cwd(), configFile) || configFile}  (source it to run tools against this stack)`,
    '',
    `✔ up in ${elapsed(t0)}; Ctrl-C stops everything`,
  );
  console.log(lines.join('\n'));
}

/** Services first (they flush to Kafka and the database on SIGTERM), then the infrastructure. */
function shutdown(code: number, reason?: string): Promise<never> {
  shuttingDown ??= (async () => {
    if (reason !== undefined) console.log(`\n▸ stopping: ${reason}`);
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all(tools.map((tool) => tool.stop()));
    await infra?.stop();
    await stopAll();
    if (infra !== undefined) console.log(`▸ stopped (${elapsed(t0)} since start)`);
    process.exit(code);
  })();
  return shuttingDown;
}
