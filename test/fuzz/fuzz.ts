// Fuzz stage: the API contract checked from outside. Starts the four API services as processes, seeds real records
// through the API, then runs Schemathesis (pinned, installed into .local/tools) against each service's
// /openapi.json with every check on, once without credentials, once with an organization admin's key and once with
// the platform administrator's key. Any failure of any kind fails the stage.
//
//   pnpm --filter @aid/e2e fuzz [-- --max-examples 10 --seed 20261204 --service ledger --service-env NAME=VALUE]
//
// Uses KAFKA_BROKERS, MONGO_URL and STRIPE_API_BASE when all three are set; otherwise starts the local test
// infrastructure for the run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ensureSchemathesis,
  resolveProfile,
  SCHEMATHESIS_VERSION,
  startMailpit,
  type StartedPart,
} from '@aid/local-infra';
import { setup as setupInfra, teardown as teardownInfra } from '@aid/test-kit/global-setup';
import { freePort } from '@aid/test-kit/service-processes';
import { startServiceProcesses, type ServiceProcesses } from '../src/harness/service-processes.ts';
import { parseRunSummary, type RunSummary } from './run-summary.ts';
import {
  fuzzedServices,
  schemathesisConfig,
  type Credentials,
  type FuzzedService,
  type FuzzSettings,
} from './schemathesis-config.ts';
import { seedPlatform } from './seed.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const credentialSets: Credentials[] = ['anonymous', 'member', 'platform-admin'];
// Campaign last: its generated requests close the seeded campaign, which the other services' runs still use.
const serviceOrder: FuzzedService[] = ['ledger', 'donation', 'disbursement', 'campaign'];

/**
 * Settings the services run with during fuzzing, on top of the end-to-end defaults (which already raise the
 * rate limits out of the way: one address sends everything, and the limits have tests of their own);
 * `--service-env NAME=VALUE` adds or overrides one.
 */
export const fuzzServiceEnv: Record<string, string> = {};

const usage = `usage: pnpm --filter @aid/e2e fuzz -- [options]
  --max-examples N     generated test cases per operation and phase (default 5)
  --seed N             Schemathesis seed (default 20261204): the same seed generates the same requests
  --workers N          concurrent requests per run (default 1; more than one can crash the fuzzer on CPython
                       3.11 before 3.11.8, whose AST constructor state its threads share)
  --service NAME       only this service (repeatable): ${fuzzedServices.join(', ')}
  --credentials NAME   only this credential set (repeatable): ${credentialSets.join(', ')}
  --service-env N=V    an extra environment variable for the services (repeatable)`;

function options(): FuzzSettings & {
  services: FuzzedService[];
  credentials: Credentials[];
  serviceEnv: Record<string, string>;
} {
  const args = process.argv.slice(2).filter((arg, index) => !(index === 0 && arg === '--'));
  const { values } = parseArgs({
    args,
    options: {
      'max-examples': { type: 'string', default: '5' },
      seed: { type: 'string', default: '20261204' },
      // One worker: Schemathesis runs workers as threads, and on CPython 3.11 before 3.11.8 two threads parsing
      // source at once (Hypothesis does, to describe its strategies) share one AST recursion counter and stop
      // the run with "AST constructor recursion depth mismatch". Measured on the campaign service: 141 s with
      // one worker, 134 s with two.
      workers: { type: 'string', default: '1' },
      service: { type: 'string', multiple: true },
      credentials: { type: 'string', multiple: true },
      'service-env': { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const whole = (name: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      console.error(`--${name} must be a whole number from ${min} to ${max}, not ${text}\n${usage}`);
      process.exit(2);
    }
    return value;
  };
  const oneOf = <T extends string>(name: string, given: string[] | undefined, allowed: readonly T[]): T[] => {
    for (const value of given ?? []) {
      if (!allowed.includes(value as T)) {
        console.error(`--${name} must be one of ${allowed.join(', ')}, not ${value}\n${usage}`);
        process.exit(2);
      }
    }
    return allowed.filter((value) => given === undefined || given.includes(value));
  };
  const serviceEnv = { ...fuzzServiceEnv };
  for (const pair of values['service-env'] ?? []) {
    const [name, ...rest] = pair.split('=');
    if (!name || rest.length === 0) {
      console.error(`--service-env takes NAME=VALUE, not ${pair}\n${usage}`);
      process.exit(2);
    }
    serviceEnv[name] = rest.join('=');
  }
  return {
    maxExamples: whole('max-examples', values['max-examples'], 1, 10_000),
    seed: whole('seed', values.seed, 0, 2 ** 31 - 1),
    workers: whole('workers', values.workers, 1, 64),
    services: oneOf('service', values.service, serviceOrder),
    credentials: oneOf('credentials', values.credentials, credentialSets),
    serviceEnv,
  };
}

function elapsed(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)}s`;
}

interface RunResult {
  service: FuzzedService;
  credentials: Credentials;
  exitCode: number;
  summary: RunSummary;
  duration: string;
  log: string;
}

/** One Schemathesis run; its whole output goes to a log file, and is printed when the run fails. */
async function runSchemathesis(
  python: string,
  configFile: string,
  schemaUrl: string,
  logFile: string,
): Promise<{ exitCode: number; output: string }> {
  const args = ['-m', 'schemathesis.cli', '--config-file', configFile, 'run', schemaUrl, '--checks', 'all'];
  return new Promise((resolve) => {
    const child = spawn(python, args, {
      cwd: path.dirname(configFile),
      env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) =>
      resolve({ exitCode: 127, output: `cannot run ${python}: ${error.message}` }),
    );
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8');
      fs.writeFileSync(logFile, output);
      resolve({ exitCode: code ?? 1, output });
    });
  });
}

async function main(): Promise<number> {
  const settings = options();
  const t0 = performance.now();
  const profile = resolveProfile('test', root);
  const tool = await ensureSchemathesis(profile.dirs.tools);
  console.log(
    `▸ schemathesis ${SCHEMATHESIS_VERSION} … ${tool.installed ? 'installed' : 'reused'} (${elapsed(t0)})`,
  );
  await setupInfra();
  let platform: ServiceProcesses | undefined;
  let mail: (StartedPart & { inboxUrl: string }) | undefined;
  // npm test stops a step with SIGTERM (Ctrl-C): the services and the infrastructure go with it, not left behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n▸ ${signal}: stopping the services`);
      void Promise.allSettled([platform?.stop(), mail?.process.stop()])
        .then(() => teardownInfra())
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  try {
    // A mail server, as in production: sign-in links and invitations are sent (to a local inbox), so those
    // operations answer as they do when people use them rather than "not set up here".
    const [smtpPort, mailWebPort] = [await freePort(), await freePort()];
    const mailProfile = resolveProfile('test', root, {
      LOCAL_SMTP_PORT: String(smtpPort),
      LOCAL_MAIL_WEB_PORT: String(mailWebPort),
    });
    mail = await startMailpit({
      ...mailProfile,
      dirs: {
        ...mailProfile.dirs,
        data: path.join(root, '.local', 'data', 'fuzz-mail'),
        logs: path.join(root, '.local', 'logs', 'fuzz-mail'),
      },
    });
    platform = await startServiceProcesses({ env: { SMTP_URL: mail.endpoint, ...settings.serviceEnv } });
    console.log(`▸ services … ready (${elapsed(t0)})`);
    const seed = await seedPlatform(platform);
    console.log(
      `▸ seed data … ready (${elapsed(t0)}): campaign ${seed.campaignId}, donation ${seed.donationId}, disbursement ${seed.paidDisbursementId}`,
    );
    const runDir = path.join(root, '.local', 'fuzz');
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true });
    const results: RunResult[] = [];
    for (const service of settings.services) {
      for (const credentials of settings.credentials) {
        const started = performance.now();
        const name = `${service}-${credentials}`;
        const configFile = path.join(runDir, `${name}.toml`);
        fs.writeFileSync(
          configFile,
          schemathesisConfig(service, credentials, seed, platform.secrets.platformAdminKey, settings),
        );
        const log = path.join(runDir, `${name}.log`);
        const { exitCode, output } = await runSchemathesis(
          tool.path,
          configFile,
          `${platform.urls[service]}/openapi.json`,
          log,
        );
        const summary = parseRunSummary(output);
        const result = {
          service,
          credentials,
          exitCode,
          summary,
          duration: elapsed(started),
          log: path.relative(root, log),
        };
        results.push(result);
        const ok = exitCode === 0 && summary.failures === 0 && summary.errors === 0;
        console.log(
          `${ok ? '✔' : '✖'} ${service} as ${credentials}: ${summary.operations} operations, ${summary.testCases} test cases, ` +
            `${summary.failures} failures, ${summary.errors} errors (${result.duration}; ${result.log})`,
        );
        if (!ok) console.log(output.split('\n').slice(-200).join('\n'));
      }
    }
    const failed = results.filter(
      (result) => result.exitCode !== 0 || result.summary.failures > 0 || result.summary.errors > 0,
    );
    console.log(
      `${failed.length === 0 ? '✔ fuzz stage passed' : `✖ fuzz stage failed in ${failed.length} of ${results.length} runs`} in ${elapsed(t0)}`,
    );
    return failed.length === 0 ? 0 : 1;
  } finally {
    await platform?.stop();
    await mail?.process.stop();
    await teardownInfra();
  }
}

process.exit(await main());
