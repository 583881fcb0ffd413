import fs from 'node:fs';
import path from 'node:path';
import { startFerretdb } from './ferretdb.ts';
import { startTraceViewer } from './trace-viewer.ts';
import { traceViewerInstalled } from './tools.ts';
import { containerEngineAvailable } from './container-engine.ts';
import { startKafka } from './kafka.ts';
import { acquireRunLock } from './process.ts';
import type { ManagedProcess, StartedPart } from './process.ts';
import { resolveProfile } from './profile.ts';
import type { Profile, ProfileName } from './profile.ts';
import { startStripeMock } from './stripe-mock.ts';
import { startMailpit } from './mailpit.ts';

export { AlreadyRunningError } from './process.ts';
export { chromiumPath, ensureChromium, ensureScriptFonts } from './chromium.ts';
export { ensureSchemathesis, SCHEMATHESIS_VERSION } from './tools.ts';
export { resolveProfile } from './profile.ts';
export { sessionVerifyKeyOf } from './config-env.ts';
export type { Profile, ProfileName } from './profile.ts';
// The parts one by one, for tests that stop and start the broker or the database under running services.
export { startKafka } from './kafka.ts';
export { startFerretdb } from './ferretdb.ts';
export { startMailpit } from './mailpit.ts';
export { startTraceViewer } from './trace-viewer.ts';
export type { ManagedProcess, StartedPart } from './process.ts';

export interface InfraEndpoints {
  kafkaBrokers: string;
  mongoUrl: string;
  stripeApiBase: string;
  /** Where the services send mail, when the launcher runs a mail catcher or SMTP_URL names a server. */
  smtpUrl?: string;
  /** The local inbox's web address, when the launcher runs Mailpit. */
  mailInboxUrl?: string;
  /** Where the services export their spans (OTLP over HTTP), when the launcher runs the viewer or the variable names one. */
  otlpEndpoint?: string;
  /** The trace viewer's web address (Zipkin's UI), when the launcher runs it. */
  traceViewerUrl?: string;
}

export interface RunningInfra {
  endpoints: InfraEndpoints;
  /** The processes this launcher started (none for parts the environment provides). */
  processes: { name: string; pid: number }[];
  /** Where each started part writes its output. */
  logFiles: string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  profile: ProfileName;
  root: string;
  log?: (line: string) => void;
  /** Settings source; defaults to the process environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Run a local mail catcher (Mailpit) unless SMTP_URL names a server; `npm start` does, test runs ask for it. */
  mail?: boolean;
}

/**
 * Infrastructure for a test run, in order of preference: what the environment gives (KAFKA_BROKERS, MONGO_URL,
 * STRIPE_API_BASE, all three), else containers when a container engine answers, else the local launcher's
 * `test` profile (Kafka from the Apache jars, FerretDB, stripe-mock).
 */
export async function startTestInfra(options: Omit<StartOptions, 'profile'>): Promise<RunningInfra> {
  const env = options.env ?? process.env;
  const given = Boolean(env.KAFKA_BROKERS && env.MONGO_URL && env.STRIPE_API_BASE);
  if (!given && containerEngineAvailable()) {
    // Loaded only here: the container client is large and most machines of this project have no engine.
    const { startContainers } = await import('./containers.ts');
    return startContainers(options.log);
  }
  return startLocalInfra({ ...options, profile: 'test' });
}

/**
 * Brings up whatever the environment does not already provide (KAFKA_BROKERS, MONGO_URL, STRIPE_API_BASE),
 * in parallel since Kafka's start-up dominates. If any part fails, the others are stopped before the error
 * is thrown, so a failed start leaves nothing behind.
 */
export async function startLocalInfra(options: StartOptions): Promise<RunningInfra> {
  const log = options.log ?? (() => {});
  const profile = resolveProfile(options.profile, options.root, options.env);
  const releaseLock = acquireRunLock(profile.dirs.run, profile.name);
  try {
    prepareDirs(profile);
    const t0 = performance.now();
    const started: ManagedProcess[] = [];
    const part = async (label: string, external: string | undefined, start: () => Promise<StartedPart>) => {
      if (external !== undefined) {
        log(`▸ ${label} … given (${external})`);
        return external;
      }
      const result = await start();
      started.push(result.process);
      log(`▸ ${label} … ready (${seconds(t0)}s, ${result.note})`);
      return result.endpoint;
    };
    const results = await Promise.allSettled([
      part('kafka', profile.external.kafkaBrokers, () => startKafka(profile)),
      part('ferretdb', profile.external.mongoUrl, () => startFerretdb(profile)),
      part('stripe-mock', profile.external.stripeApiBase, () => startStripeMock(profile)),
    ]);
    // Mail after the rest: Mailpit is quick, and it must not be left running when another part failed to start.
    let mail: { smtpUrl?: string; mailInboxUrl?: string } = {};
    const laterFailures: unknown[] = [];
    if (profile.external.smtpUrl !== undefined) mail = { smtpUrl: profile.external.smtpUrl };
    else if (
      (options.mail ?? profile.name === 'dev') &&
      results.every((result) => result.status === 'fulfilled')
    ) {
      try {
        const mailpit = await startMailpit(profile);
        started.push(mailpit.process);
        log(`▸ mailpit … ready (${seconds(t0)}s, ${mailpit.note})`);
        mail = { smtpUrl: mailpit.endpoint, mailInboxUrl: mailpit.inboxUrl };
      } catch (error) {
        laterFailures.push(error);
      }
    }
    // The trace viewer only for `npm start`: tests read their spans in process. It starts beside the stack, not in
    // front of it: its first install builds the collector and fetches Zipkin, and a stack without its viewer still
    // works (the services' span exports are dropped until it answers).
    let traces: { otlpEndpoint?: string; traceViewerUrl?: string } = {};
    let stopping = false;
    if (profile.external.otlpEndpoint !== undefined) traces = { otlpEndpoint: profile.external.otlpEndpoint };
    else if (
      profile.name === 'dev' &&
      results.every((result) => result.status === 'fulfilled') &&
      laterFailures.length === 0
    ) {
      const { otlpHttp, traceViewer } = profile.ports;
      traces = {
        otlpEndpoint: `http://127.0.0.1:${otlpHttp}`,
        traceViewerUrl: `http://127.0.0.1:${traceViewer}/zipkin/`,
      };
      if (!traceViewerInstalled(profile.dirs.tools, profile.dirs.root))
        log('▸ trace viewer … installing in the background (first start only, a few minutes)');
      void startTraceViewer(profile).then(
        async (viewer) => {
          if (stopping) {
            await Promise.all(viewer.processes.map((proc) => proc.stop()));
            return;
          }
          started.push(...viewer.processes);
          log(`▸ trace viewer … ready (${seconds(t0)}s, ${viewer.note})`);
        },
        (error: unknown) =>
          log(
            `▸ trace viewer … not started, the stack runs without it: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    }
    const stop = async () => {
      stopping = true;
      // Reverse start order is irrelevant here: the parts do not depend on each other.
      await Promise.all(started.map((proc) => proc.stop()));
      releaseLock();
    };
    const failures = [
      ...results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : [])),
      ...laterFailures,
    ];
    if (failures.length > 0) {
      await stop();
      throw new Error(
        failures.map((failure) => (failure instanceof Error ? failure.message : String(failure))).join('\n'),
      );
    }
    const [kafkaBrokers, mongoUrl, stripeApiBase] = results.map((result) =>
      result.status === 'fulfilled' ? result.value : '',
    ) as [string, string, string];
    return {
      endpoints: { kafkaBrokers, mongoUrl, stripeApiBase, ...mail, ...traces },
      processes: started.map((proc) => ({ name: proc.name, pid: proc.pid })),
      logFiles: infraLogFiles(profile),
      stop,
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** Log files of the infrastructure of a profile, for printing their tails when something fails. */
export function infraLogFiles(profile: Profile): string[] {
  if (!fs.existsSync(profile.dirs.logs)) return [];
  return fs
    .readdirSync(profile.dirs.logs)
    .filter((file) => file.endsWith('.log'))
    .map((file) => path.join(profile.dirs.logs, file));
}

function prepareDirs(profile: Profile): void {
  if (!profile.keepData) {
    fs.rmSync(profile.dirs.data, { recursive: true, force: true });
    fs.rmSync(profile.dirs.logs, { recursive: true, force: true });
  }
  fs.mkdirSync(profile.dirs.data, { recursive: true });
  fs.mkdirSync(profile.dirs.logs, { recursive: true });
}

function seconds(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}
