// `npm test`: the whole suite against the `test` profile's infrastructure, started fresh for this run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { elapsed, onStopSignal, printLogTails, quietKnownWarnings, repoRoot, signalExitCode } from './cli.ts';
import { createFailureDigest } from './failure-digest.ts';
import { AlreadyRunningError, infraLogFiles, startTestInfra } from './index.ts';
import type { RunningInfra } from './index.ts';
import { onParentDeath } from './process.ts';
import { resolveProfile } from './profile.ts';

quietKnownWarnings();
const t0 = performance.now();
let infra: RunningInfra | undefined;
let current: ReturnType<typeof spawn> | undefined;
let interrupted: NodeJS.Signals | undefined;
const digest = createFailureDigest();

onStopSignal((signal) => {
  interrupted = signal;
  console.log(`\n▸ ${signal}: stopping`);
  current?.kill('SIGTERM');
});
onParentDeath(() => process.kill(process.pid, 'SIGTERM'));

const exitCode = await main();
process.exit(exitCode);

async function main(): Promise<number> {
  try {
    infra = await startTestInfra({ root: repoRoot, log: (line) => console.log(line) });
  } catch (error) {
    console.error(
      `✖ local infrastructure did not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    if (!(error instanceof AlreadyRunningError))
      printLogTails(infraLogFiles(resolveProfile('test', repoRoot)));
    return 1;
  }
  console.log(`▸ infrastructure … ready (${elapsed(t0)})`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: infra.endpoints.kafkaBrokers,
    MONGO_URL: infra.endpoints.mongoUrl,
    STRIPE_API_BASE: infra.endpoints.stripeApiBase,
  };

  const results: { step: string; code: number; duration: string }[] = [];
  const step = async (name: string, args: string[]) => {
    if (interrupted !== undefined) return;
    const started = performance.now();
    console.log(`▸ ${name}: pnpm ${args.join(' ')}`);
    const code = await run('pnpm', args, env);
    results.push({ step: name, code, duration: elapsed(started) });
  };

  await step('typecheck, lint and tests', [
    'turbo',
    'run',
    'typecheck',
    'lint',
    'test',
    '--concurrency=1',
    '--continue',
  ]);
  if (hasE2ePackage()) {
    await step('end-to-end tests', ['--filter', '@aid/e2e', 'run', 'test:e2e']);
    // The API contract from outside: Schemathesis against every service's /openapi.json, any failure fails.
    await step('fuzz stage', ['--filter', '@aid/e2e', 'run', 'fuzz']);
    // Their own broker and database, which they kill and restart; only stripe-mock is shared.
    await step('fault tests', ['--filter', '@aid/e2e', 'run', 'test:faults']);
  } else {
    console.log('▸ end-to-end tests … skipped (no @aid/e2e package in test/ yet)');
  }

  const worst = Math.max(0, ...results.map((result) => result.code));
  if (worst !== 0 && interrupted === undefined) printLogTails(infra.logFiles, 15);
  await infra.stop();

  // Last, so whoever reads the run from its end sees what failed before the infrastructure logs.
  const failures = digest.lines();
  if (worst !== 0 && failures.length > 0) {
    console.log('\n── what failed ──');
    for (const line of failures) console.log(line);
    console.log('');
  }

  for (const result of results) {
    console.log(
      `${result.code === 0 ? '✔' : '✖'} ${result.step} (${result.duration}${result.code === 0 ? '' : `, exit ${result.code}`})`,
    );
  }
  if (interrupted !== undefined) return signalExitCode(interrupted);
  console.log(`${worst === 0 ? '✔ all passed' : '✖ failed'} in ${elapsed(t0)}`);
  return worst;
}

function hasE2ePackage(): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'package.json'), 'utf8')) as {
      name?: string;
    };
    return manifest.name === '@aid/e2e';
  } catch {
    return false;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    // Output passes straight through; a copy feeds the digest of failures printed at the end.
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['inherit', 'pipe', 'pipe'] });
    current = child;
    // Decoded as text by the streams, so a character split between chunks arrives whole.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      process.stdout.write(chunk);
      digest.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      digest.write(chunk);
    });
    child.on('error', (error) => {
      console.error(`✖ cannot run ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      current = undefined;
      resolve(code ?? (signal === null ? 1 : signalExitCode(signal)));
    });
  });
}
