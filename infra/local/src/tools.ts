import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ferretdbPatches, patchesFingerprint, writePatchedCopy } from './ferretdb-patches.ts';

const run = promisify(execFile);

export const KAFKA_VERSION = '4.1.2';
export const FERRETDB_VERSION = '1.24.2';
export const STRIPE_MOCK_VERSION = '0.203.0';
export const SCHEMATHESIS_VERSION = '4.32.5';
export const MAILPIT_VERSION = '1.33.1';
export const ZIPKIN_VERSION = '3.6.1';
/** SHA-256 of zipkin-server-3.6.1-exec.jar as published on Maven Central. */
const ZIPKIN_SHA256 = 'd8326e0ed4f43855dba81228f688554706e52578a7c782d9a90b73f8680654a1';
/** The collector's core version, as required in infra/otel-collector/go.mod. */
export const OTEL_COLLECTOR_VERSION = '0.148.0';
/** Pinned rather than left to whichever version the local Maven defaults to. */
const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const javaInstallHint = 'apt-get install openjdk-17-jre-headless (or brew install openjdk@17)';

export interface InstalledTool {
  path: string;
  /** Whether this run installed it (for the progress line). */
  installed: boolean;
}

export async function ensureKafkaLibs(toolsDir: string, root: string): Promise<InstalledTool> {
  await requireJava(
    `Kafka needs Java 17+: ${javaInstallHint}, or set KAFKA_BROKERS to use an existing Kafka`,
  );
  const home = path.join(toolsDir, `kafka-${KAFKA_VERSION}`);
  const libs = path.join(home, 'libs');
  const pom = path.join(root, 'infra', 'kafka', 'pom.xml');
  // The jar set follows the pom (a logging fix changes it without changing the Kafka version).
  const stamp = path.join(home, 'pom.sha256');
  const pomHash = createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  if (fs.existsSync(libs) && readOrEmpty(stamp) === pomHash) return { path: libs, installed: false };
  fs.rmSync(libs, { recursive: true, force: true });
  await requireCommand(
    'mvn',
    ['-v'],
    'Installing Kafka needs Maven 3 to fetch its jars from Maven Central: apt-get install maven ' +
      '(or brew install maven), or set KAFKA_BROKERS to use an existing Kafka',
  );
  await installAtomically(libs, async (staging) => {
    await run(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        pom,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${staging}`,
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: unknown) => {
      throw new Error(`mvn could not fetch the Kafka ${KAFKA_VERSION} jars: ${output(error)}`);
    });
  });
  fs.writeFileSync(stamp, pomHash);
  return { path: libs, installed: true };
}

export async function ensureFerretdb(toolsDir: string, root: string): Promise<InstalledTool> {
  const home = path.join(toolsDir, `ferretdb-${FERRETDB_VERSION}`);
  const binary = path.join(home, exe('ferretdb'));
  const moduleDir = path.join(root, 'infra', 'ferretdb');
  // The binary follows the wrapper module and the source patches: a change to either rebuilds it.
  const stamp = path.join(home, 'build.sha256');
  const buildHash = createHash('sha256')
    .update(fs.readFileSync(path.join(moduleDir, 'go.mod')))
    .update(fs.readFileSync(path.join(moduleDir, 'go.sum')))
    .update(fs.readFileSync(path.join(moduleDir, 'main.go')))
    .update(patchesFingerprint(ferretdbPatches))
    .digest('hex');
  if (fs.existsSync(binary) && readOrEmpty(stamp) === buildHash) return { path: binary, installed: false };
  await requireGo('FerretDB (the local MongoDB-compatible database)', 'MONGO_URL', 'MongoDB');
  fs.rmSync(binary, { force: true });
  await installAtomically(binary, async (staging) => {
    // infra/ferretdb is a module of its own whose go.sum pins FerretDB and every dependency.
    const { stdout } = await run(
      'go',
      ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@v${FERRETDB_VERSION}`],
      {
        cwd: moduleDir,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: unknown) => {
      throw new Error(`go could not fetch FerretDB ${FERRETDB_VERSION}: ${output(error)}`);
    });
    const { Dir: ferretdbSource } = JSON.parse(stdout) as { Dir: string };
    const patched = `${staging}.source`;
    writePatchedCopy(ferretdbSource, patched, ferretdbPatches);
    // A go.mod of the build's own, beside its go.sum, points the build at the patched copy.
    const modfile = `${staging}.go.mod`;
    fs.writeFileSync(
      modfile,
      `${fs.readFileSync(path.join(moduleDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${patched}\n`,
    );
    fs.copyFileSync(path.join(moduleDir, 'go.sum'), `${staging}.go.sum`);
    await run('go', ['build', `-modfile=${modfile}`, '-o', staging, '.'], {
      cwd: moduleDir,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: unknown) => {
      throw new Error(`go build of FerretDB ${FERRETDB_VERSION} failed: ${output(error)}`);
    });
  });
  fs.writeFileSync(stamp, buildHash);
  return { path: binary, installed: true };
}

/**
 * Zipkin's server (the local trace viewer of `npm start`, its web UI built in), the executable jar that Zipkin
 * publishes on Maven Central, checked against the digest below. Only for `npm start`, never for tests.
 */
export async function ensureZipkin(toolsDir: string): Promise<InstalledTool> {
  const jar = path.join(toolsDir, `zipkin-${ZIPKIN_VERSION}`, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
  if (fs.existsSync(jar)) return { path: jar, installed: false };
  const fallback = 'or set OTEL_EXPORTER_OTLP_ENDPOINT to use an existing OTLP trace backend';
  await requireJava(`Zipkin (the local trace viewer) needs Java 17+: ${javaInstallHint}, ${fallback}`);
  await requireCommand(
    'mvn',
    ['-v'],
    `Installing Zipkin needs Maven 3 to fetch its jar from Maven Central: apt-get install maven ` +
      `(or brew install maven), ${fallback}`,
  );
  await installAtomically(jar, async (staging) => {
    const stagingDir = path.dirname(staging);
    await run(
      'mvn',
      [
        '-q',
        '-B',
        `${MAVEN_DEPENDENCY_PLUGIN}:copy`,
        `-Dartifact=io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`,
        `-DoutputDirectory=${stagingDir}`,
      ],
      // The goal needs no project; run where there is none to pick up.
      { cwd: stagingDir, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: unknown) => {
      throw new Error(`mvn could not fetch the Zipkin ${ZIPKIN_VERSION} jar: ${output(error)}`);
    });
    const digest = createHash('sha256').update(fs.readFileSync(staging)).digest('hex');
    if (digest !== ZIPKIN_SHA256)
      throw new Error(`the Zipkin ${ZIPKIN_VERSION} jar has SHA-256 ${digest}, expected ${ZIPKIN_SHA256}`);
  });
  return { path: jar, installed: true };
}

/**
 * The OpenTelemetry Collector that takes the services' OTLP and hands it to Zipkin, built from infra/otel-collector,
 * a module of its own whose go.sum pins every dependency. Built once (a few minutes) and only for `npm start`.
 */
/** Where the collector is built, and the fingerprint of its module: it is rebuilt when that changes. */
function otelCollectorBuild(toolsDir: string, root: string) {
  const home = path.join(toolsDir, `otel-collector-${OTEL_COLLECTOR_VERSION}`);
  const moduleDir = path.join(root, 'infra', 'otel-collector');
  const buildHash = createHash('sha256')
    .update(fs.readFileSync(path.join(moduleDir, 'go.mod')))
    .update(fs.readFileSync(path.join(moduleDir, 'go.sum')))
    .update(fs.readFileSync(path.join(moduleDir, 'main.go')))
    .digest('hex');
  return {
    binary: path.join(home, exe('otel-collector')),
    moduleDir,
    stamp: path.join(home, 'build.sha256'),
    buildHash,
  };
}

/** Whether both parts of the trace viewer are already installed (so starting it takes seconds, not a build). */
export function traceViewerInstalled(toolsDir: string, root: string): boolean {
  const { binary, stamp, buildHash } = otelCollectorBuild(toolsDir, root);
  const jar = path.join(toolsDir, `zipkin-${ZIPKIN_VERSION}`, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
  return fs.existsSync(binary) && readOrEmpty(stamp) === buildHash && fs.existsSync(jar);
}

export async function ensureOtelCollector(toolsDir: string, root: string): Promise<InstalledTool> {
  const { binary, moduleDir, stamp, buildHash } = otelCollectorBuild(toolsDir, root);
  if (fs.existsSync(binary) && readOrEmpty(stamp) === buildHash) return { path: binary, installed: false };
  await requireGo(
    'the OpenTelemetry Collector (in front of the trace viewer)',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTLP trace backend',
  );
  fs.rmSync(binary, { force: true });
  await installAtomically(binary, async (staging) => {
    await run('go', ['build', '-o', staging, '.'], {
      cwd: moduleDir,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: unknown) => {
      throw new Error(
        `go build of the OpenTelemetry Collector ${OTEL_COLLECTOR_VERSION} failed: ${output(error)}`,
      );
    });
  });
  fs.writeFileSync(stamp, buildHash);
  return { path: binary, installed: true };
}

export async function ensureStripeMock(toolsDir: string): Promise<InstalledTool> {
  const binary = path.join(toolsDir, `stripe-mock-${STRIPE_MOCK_VERSION}`, exe('stripe-mock'));
  if (fs.existsSync(binary)) return { path: binary, installed: false };
  await requireGo('stripe-mock', 'STRIPE_API_BASE', 'Stripe API');
  await installAtomically(binary, async (staging) => {
    // GOBIN is the staging folder, so go install writes exactly the staging path.
    const gobin = path.dirname(staging);
    await run('go', ['install', `github.com/stripe/stripe-mock@v${STRIPE_MOCK_VERSION}`], {
      cwd: gobin,
      env: { ...process.env, GOBIN: gobin },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: unknown) => {
      throw new Error(`go install of stripe-mock ${STRIPE_MOCK_VERSION} failed: ${output(error)}`);
    });
  });
  return { path: binary, installed: true };
}

/** Mailpit: an SMTP server that keeps every message and shows them in a web inbox, for local receipts. */
export async function ensureMailpit(toolsDir: string): Promise<InstalledTool> {
  const binary = path.join(toolsDir, `mailpit-${MAILPIT_VERSION}`, exe('mailpit'));
  if (fs.existsSync(binary)) return { path: binary, installed: false };
  await requireGo('Mailpit', 'SMTP_URL', 'SMTP server');
  await installAtomically(binary, async (staging) => {
    const gobin = path.dirname(staging);
    await run('go', ['install', `github.com/axllent/mailpit@v${MAILPIT_VERSION}`], {
      cwd: gobin,
      env: { ...process.env, GOBIN: gobin },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: unknown) => {
      throw new Error(`go install of Mailpit ${MAILPIT_VERSION} failed: ${output(error)}`);
    });
  });
  return { path: binary, installed: true };
}

/**
 * Schemathesis (the API fuzzer of the fuzz stage) in a Python virtual environment of its own. A venv's scripts
 * name its absolute path, so it is run as `<venv>/bin/python -m schemathesis.cli`, which keeps working after
 * the staging folder is renamed into place.
 */
export async function ensureSchemathesis(toolsDir: string): Promise<InstalledTool> {
  const home = path.join(toolsDir, `schemathesis-${SCHEMATHESIS_VERSION}`);
  const python = path.join(
    home,
    process.platform === 'win32' ? path.join('Scripts', 'python.exe') : path.join('bin', 'python'),
  );
  if (fs.existsSync(python)) return { path: python, installed: false };
  const hint =
    'The fuzz stage needs Python 3.10+ with venv to install Schemathesis: apt-get install python3 python3-venv ' +
    '(or brew install python)';
  const { stdout } = await run('python3', [
    '-c',
    'import sys, venv, ensurepip; print(sys.version_info[0] * 100 + sys.version_info[1])',
  ]).catch((error: unknown) => {
    throw new Error(`${hint} (python3 -m venv is not available: ${output(error)})`);
  });
  if (Number(stdout.trim()) < 310)
    throw new Error(`${hint} (found Python ${Math.floor(Number(stdout) / 100)}.${Number(stdout) % 100})`);
  await installAtomically(home, async (staging) => {
    await run('python3', ['-m', 'venv', staging]).catch((error: unknown) => {
      throw new Error(`${hint} (python3 -m venv failed: ${output(error)})`);
    });
    const stagedPython = path.join(staging, path.relative(home, python));
    await run(
      stagedPython,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        `schemathesis==${SCHEMATHESIS_VERSION}`,
      ],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: unknown) => {
      throw new Error(
        `pip could not install schemathesis ${SCHEMATHESIS_VERSION} from PyPI: ${output(error)}`,
      );
    });
  });
  return { path: python, installed: true };
}

/**
 * Builds into a staging path and renames it into place, so an interrupted install never looks complete
 * and two launchers installing at once (dev and test) do not trip over each other.
 */
async function installAtomically(target: string, build: (staging: string) => Promise<void>): Promise<void> {
  const stagingDir = `${target}.partial-${process.pid}`;
  const staging = path.join(stagingDir, path.basename(target));
  fs.rmSync(stagingDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(staging), { recursive: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    await build(staging);
    if (!fs.existsSync(target)) fs.renameSync(staging, target);
  } finally {
    fs.rmSync(stagingDir, { recursive: true, force: true });
  }
}

async function requireJava(hint: string): Promise<void> {
  // `java -version` writes to stderr.
  const { stderr } = await run('java', ['-version']).catch(() => {
    throw new Error(`${hint} (no java on PATH)`);
  });
  const major = javaMajor(stderr);
  if (major === undefined || major < 17) {
    throw new Error(`${hint} (found ${stderr.split('\n')[0]?.trim() ?? 'an unknown version'})`);
  }
}

export function javaMajor(versionOutput: string): number | undefined {
  const version = /version "([^"]+)"/.exec(versionOutput)?.[1];
  if (version === undefined) return undefined;
  const parts = version.split('.');
  // Java 8 and older report "1.8.0_x".
  const major = Number(parts[0] === '1' ? parts[1] : parts[0]);
  return Number.isFinite(major) ? major : undefined;
}

async function requireGo(what: string, variable: string, service: string): Promise<void> {
  await requireCommand(
    'go',
    ['version'],
    `Building ${what} needs Go 1.25+: apt-get install golang-go, or https://go.dev/dl/; ` +
      `or set ${variable} to use an existing ${service}`,
  );
}

async function requireCommand(command: string, args: string[], hint: string): Promise<void> {
  await run(command, args).catch(() => {
    throw new Error(`${hint} (no working ${command} on PATH)`);
  });
}

function output(error: unknown): string {
  const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message?: string };
  const text = `${stdout ?? ''}${stderr ?? ''}`.trim() || message || String(error);
  return text.split('\n').slice(-20).join('\n');
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function exe(name: string): string {
  return process.platform === 'win32' ? `${name}.exe` : name;
}
