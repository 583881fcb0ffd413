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
export const JAEGER_VERSION = '1.75.0';

export interface InstalledTool {
  path: string;
  /** Whether this run installed it (for the progress line). */
  installed: boolean;
}

export async function ensureKafkaLibs(toolsDir: string, root: string): Promise<InstalledTool> {
  await requireJava();
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
 * Jaeger v2 (the local trace viewer of `npm start`), built from infra/jaeger, a module of its own whose go.sum
 * pins Jaeger and every dependency. Built once (a few minutes) and only for `npm start`, never for tests.
 */
/** Where Jaeger is built, and the fingerprint of the module it is built from: it is rebuilt when that changes. */
function jaegerBuild(toolsDir: string, root: string) {
  const home = path.join(toolsDir, `jaeger-${JAEGER_VERSION}`);
  const moduleDir = path.join(root, 'infra', 'jaeger');
  const buildHash = createHash('sha256')
    .update(fs.readFileSync(path.join(moduleDir, 'go.mod')))
    .update(fs.readFileSync(path.join(moduleDir, 'go.sum')))
    .digest('hex');
  return {
    binary: path.join(home, exe('jaeger')),
    moduleDir,
    stamp: path.join(home, 'build.sha256'),
    buildHash,
  };
}

/** Whether the Jaeger binary of the current module is already built (so starting it takes seconds, not minutes). */
export function jaegerBuilt(toolsDir: string, root: string): boolean {
  const { binary, stamp, buildHash } = jaegerBuild(toolsDir, root);
  return fs.existsSync(binary) && readOrEmpty(stamp) === buildHash;
}

export async function ensureJaeger(toolsDir: string, root: string): Promise<InstalledTool> {
  const { binary, moduleDir, stamp, buildHash } = jaegerBuild(toolsDir, root);
  if (jaegerBuilt(toolsDir, root)) return { path: binary, installed: false };
  await requireGo('Jaeger (the local trace viewer)', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTLP trace backend');
  fs.rmSync(binary, { force: true });
  await installAtomically(binary, async (staging) => {
    await run('go', ['build', '-o', staging, 'github.com/jaegertracing/jaeger/cmd/jaeger'], {
      cwd: moduleDir,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: unknown) => {
      throw new Error(`go build of Jaeger ${JAEGER_VERSION} failed: ${output(error)}`);
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

async function requireJava(): Promise<void> {
  const hint =
    'Kafka needs Java 17+: apt-get install openjdk-17-jre-headless (or brew install openjdk@17), ' +
    'or set KAFKA_BROKERS to use an existing Kafka';
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
    `Building ${what} needs Go 1.24+: apt-get install golang-go, or https://go.dev/dl/; ` +
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
