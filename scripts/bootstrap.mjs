#!/usr/bin/env node
// Entry point behind `npm start`, `npm test` and `npm run typecheck|lint`.
//
// Runs on any Node.js >= 18 with no dependencies, because it is what installs the rest: a Node.js LTS recent
// enough to run TypeScript directly (from the npm registry, into .local/tools/node, when the machine's own is
// older), pnpm, and the workspace dependencies. It then hands over to the TypeScript launcher under that Node.js.
//
//   node scripts/bootstrap.mjs start          local infrastructure, services and demo data
//   node scripts/bootstrap.mjs test           the whole test suite against local infrastructure
//   node scripts/bootstrap.mjs exec <cmd...>  any workspace binary, e.g. `exec turbo run typecheck`
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_VERSION = '24.21.0';
const NODE_MIN_MAJOR = 24;
const PNPM_VERSION = '10.34.8';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = path.join(root, '.local', 'tools');
const installStamp = path.join(root, '.local', 'install.stamp');
const startedAt = performance.now();
const isWindows = process.platform === 'win32';

const usage = 'usage: node scripts/bootstrap.mjs start | test | exec <command...>';
const [command, ...rest] = process.argv.slice(2);
if (command !== 'start' && command !== 'test' && command !== 'exec') fail(usage);
if (command === 'exec' && rest.length === 0) fail(usage);

const node = ensureNode();
const pnpm = ensurePnpm(node);
ensureDependencies(pnpm);
handOver(node, pnpm);

function ensureNode() {
  const t0 = performance.now();
  const machineMajor = Number(process.versions.node.split('.')[0]);
  if (machineMajor >= NODE_MIN_MAJOR) {
    progress(`node ${process.versions.node}`, t0, 'machine');
    return { bin: process.execPath, binDirs: [] };
  }
  const prefix = path.join(toolsDir, 'node');
  const bin = path.join(prefix, 'node_modules', '.bin', isWindows ? 'node.cmd' : 'node');
  let note = 'reused';
  if (versionOf(bin) !== NODE_VERSION) {
    // The `node` package on the npm registry ships the official binaries, so the only network access needed
    // is to the registry npm already uses.
    npmInstall(prefix, `node@${NODE_VERSION}`);
    if (versionOf(bin) !== NODE_VERSION) {
      fail(
        `installed node@${NODE_VERSION} into ${rel(prefix)} but ${rel(bin)} does not report v${NODE_VERSION}`,
      );
    }
    note = `installed, machine has ${process.versions.node}`;
  }
  progress(`node ${NODE_VERSION}`, t0, note);
  // Both the .bin shim folder and the real binary's folder, so that tools resolving `node` either way agree.
  return { bin, binDirs: [path.dirname(bin), path.dirname(fs.realpathSync(bin))] };
}

function ensurePnpm(node) {
  const t0 = performance.now();
  const prefix = path.join(toolsDir, 'pnpm');
  const bin = path.join(prefix, 'node_modules', '.bin', isWindows ? 'pnpm.cmd' : 'pnpm');
  let note = 'reused';
  if (versionOf(bin, node) !== PNPM_VERSION) {
    npmInstall(prefix, `pnpm@${PNPM_VERSION}`);
    if (versionOf(bin, node) !== PNPM_VERSION) {
      fail(
        `installed pnpm@${PNPM_VERSION} into ${rel(prefix)} but ${rel(bin)} does not report ${PNPM_VERSION}`,
      );
    }
    note = 'installed';
  }
  progress(`pnpm ${PNPM_VERSION}`, t0, note);
  return { bin, binDirs: [path.dirname(bin)] };
}

function ensureDependencies(pnpm) {
  const t0 = performance.now();
  const lockfile = path.join(root, 'pnpm-lock.yaml');
  const hasLockfile = fs.existsSync(lockfile);
  const fingerprint = dependencyFingerprint();
  const installed = fs.existsSync(path.join(root, 'node_modules', '.modules.yaml'));
  const stamp = readOr(installStamp, '');
  if (installed && stamp === fingerprint) {
    progress('dependencies', t0, 'up to date');
    return;
  }
  // Without a lockfile pnpm must be allowed to write one (CI=true would otherwise make it refuse).
  const args = ['install', hasLockfile ? '--frozen-lockfile' : '--no-frozen-lockfile'];
  console.log(`▸ pnpm ${args.join(' ')}`);
  const result = spawnSync(pnpm.bin, args, {
    cwd: root,
    stdio: 'inherit',
    env: toolEnv(pnpm),
    shell: isWindows,
  });
  if (result.status !== 0) {
    fail(
      `pnpm ${args.join(' ')} failed (exit ${result.status ?? result.signal})` +
        (hasLockfile
          ? `: if package.json files changed, update the lockfile with \`${rel(pnpm.bin)} install\``
          : ''),
    );
  }
  fs.mkdirSync(path.dirname(installStamp), { recursive: true });
  // Fingerprint after install: a first install without a lockfile writes one.
  fs.writeFileSync(installStamp, dependencyFingerprint());
  progress('dependencies', t0, 'installed');
}

// Everything that changes what `pnpm install` would do: the lockfile, the workspace manifest, every
// workspace package.json, and the tool versions.
function dependencyFingerprint() {
  const hash = createHash('sha256').update(`${NODE_VERSION} ${PNPM_VERSION}\n`);
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', '.npmrc'];
  for (const dir of workspacePackageDirs()) files.push(path.join(dir, 'package.json'));
  for (const file of files) hash.update(`${file}\n${readOr(path.join(root, file), '')}\n`);
  return hash.digest('hex');
}

// Reads the `packages:` globs of pnpm-workspace.yaml; only the `dir`, `dir/*` forms are used in this repository.
function workspacePackageDirs() {
  const yaml = readOr(path.join(root, 'pnpm-workspace.yaml'), '');
  const block = /^packages:\s*\n((?:[ \t]+-.*\n?)+)/m.exec(yaml)?.[1] ?? '';
  const dirs = [];
  for (const match of block.matchAll(/-\s*["']?([^"'\s#]+)["']?/g)) {
    const pattern = match[1];
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      const entries = fs.existsSync(path.join(root, parent)) ? fs.readdirSync(path.join(root, parent)) : [];
      for (const entry of entries.sort()) dirs.push(path.join(parent, entry));
    } else {
      dirs.push(pattern);
    }
  }
  return dirs.filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')));
}

function handOver(node, pnpm) {
  const env = toolEnv(pnpm, node);
  const [bin, args] =
    command === 'exec'
      ? [pnpm.bin, ['exec', ...rest]]
      : [node.bin, [path.join(root, 'infra', 'local', 'src', `${command}.ts`), ...rest]];
  const child = spawn(bin, args, {
    cwd: root,
    stdio: 'inherit',
    env,
    shell: isWindows && command === 'exec',
  });

  // A terminal's Ctrl-C reaches the child too; forwarding is for signals sent to this process alone
  // (kill, CI runners). The launcher treats repeated signals as one.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => forward(signal));
  // If this process is ended abruptly, do not leave the launcher running without a parent.
  process.on('exit', () => forward('SIGTERM'));

  child.on('error', (error) => fail(`cannot run ${bin}: ${error.message}`));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

function toolEnv(pnpm, node = { binDirs: [] }) {
  const dirs = [...node.binDirs, ...pnpm.binDirs];
  const pathKey = Object.keys(process.env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
  return {
    ...process.env,
    [pathKey]: [...dirs, process.env[pathKey] ?? ''].join(path.delimiter),
    // Keep pnpm from prompting or self-updating: the version is pinned here.
    COREPACK_ENABLE_STRICT: '0',
    npm_config_update_notifier: 'false',
  };
}

function npmInstall(prefix, spec) {
  fs.mkdirSync(prefix, { recursive: true });
  const npm = isWindows ? 'npm.cmd' : 'npm';
  const args = [
    'install',
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--prefix',
    prefix,
    spec,
  ];
  console.log(`▸ npm ${args.join(' ')}`);
  const result = spawnSync(npm, args, { cwd: prefix, encoding: 'utf8', shell: isWindows });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    fail(
      `npm could not install ${spec} (exit ${result.status ?? result.signal}${result.error ? `, ${result.error.message}` : ''})`,
    );
  }
}

function versionOf(bin, node) {
  if (!fs.existsSync(bin)) return undefined;
  const env = node
    ? { ...process.env, PATH: [...node.binDirs, process.env.PATH ?? ''].join(path.delimiter) }
    : process.env;
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', env, shell: isWindows });
  return result.status === 0 ? result.stdout.trim().replace(/^v/, '') : undefined;
}

function progress(label, t0, note) {
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const total = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(`▸ ${label} … ready (${seconds}s, ${note}) [${total}s]`);
}

function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function rel(file) {
  return path.relative(root, file);
}

function fail(message) {
  console.error(`✖ ${message}`);
  process.exit(1);
}
