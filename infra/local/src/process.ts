import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string | undefined;
  exited: Promise<ExitInfo>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** One piece of infrastructure, up and answering. */
export interface StartedPart {
  endpoint: string;
  process: ManagedProcess;
  /** Version and what was reused or installed, for the progress line. */
  note: string;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Append stdout and stderr to this file (infrastructure); otherwise lines go to `onLine` (services). */
  logFile?: string;
  onLine?: (line: string) => void;
  /** Text of its command line that identifies it if a later launcher finds it left over (default: command). */
  marker?: string;
}

const live = new Set<ManagedProcess>();
let runFile: string | undefined;

/**
 * Each child leads its own process group, so a terminal's Ctrl-C reaches only the launcher, which stops
 * services before the infrastructure they depend on, and a stop signal reaches the whole tree (a JVM's
 * helpers, a shell's children). The price is that the launcher must kill them itself on every way out.
 */
export function spawnManaged(options: SpawnOptions): ManagedProcess {
  const output = options.logFile === undefined ? 'pipe' : fs.openSync(options.logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', output, output],
  });
  if (typeof output === 'number') fs.closeSync(output);
  if (child.pid === undefined) {
    throw new Error(`cannot start ${options.name}: ${options.command} did not spawn (is it installed?)`);
  }
  const pid = child.pid;
  if (options.onLine !== undefined && child.stdout !== null && child.stderr !== null) {
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', options.onLine);
    }
  }

  let exit: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      live.delete(managed);
      commands.delete(pid);
      writeRunFile();
      resolve(exit);
    });
  });

  commands.set(pid, options.marker ?? options.command);
  const managed: ManagedProcess = {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    isRunning: () => exit === undefined,
    stop: async (graceMs = 10_000) => {
      if (exit !== undefined) return exit;
      signalGroup(pid, 'SIGTERM');
      const stopped = await Promise.race([exited, sleep(graceMs).then(() => undefined)]);
      if (stopped !== undefined) return stopped;
      signalGroup(pid, 'SIGKILL');
      return exited;
    },
  };
  live.add(managed);
  writeRunFile();
  return managed;
}

/** Stops whatever managed processes are still running, e.g. parts still starting when a stop was asked for. */
export async function stopAll(graceMs = 10_000): Promise<void> {
  await Promise.all([...live].map((managed) => managed.stop(graceMs)));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

// 'exit' handlers must be synchronous: whatever is still running when the launcher exits, however it
// exits short of SIGKILL, is killed outright rather than left holding ports.
process.on('exit', () => {
  for (const managed of live) signalGroup(managed.pid, 'SIGKILL');
  if (runFile !== undefined && readRunFile(runFile)?.pid === process.pid) fs.rmSync(runFile, { force: true });
});

interface RunFileContent {
  pid: number;
  children: { name: string; pid: number; command: string }[];
}

// How each child was started, so a later launcher can tell a leftover from an unrelated reused pid.
const commands = new Map<number, string>();

function writeRunFile(): void {
  if (runFile === undefined) return;
  const content: RunFileContent = {
    pid: process.pid,
    children: [...live].map((managed) => ({
      name: managed.name,
      pid: managed.pid,
      command: commands.get(managed.pid) ?? '',
    })),
  };
  fs.writeFileSync(runFile, `${JSON.stringify(content, null, 2)}\n`);
}

function readRunFile(file: string): RunFileContent | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunFileContent;
  } catch {
    return undefined;
  }
}

export class AlreadyRunningError extends Error {
  readonly pid: number;
  constructor(profile: string, pid: number) {
    super(`the ${profile} profile is already running (pid ${pid}): stop it first`);
    this.pid = pid;
  }
}

/**
 * One launcher per profile: a second one would fight the first over ports and data. The pid file also
 * lists the children, so that if a launcher was killed outright its leftovers are stopped next time.
 */
export function acquireRunLock(dir: string, profile: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${profile}.pid`);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const previous = readRunFile(file);
    if (previous !== undefined && previous.pid !== process.pid && isAlive(previous.pid)) {
      throw new AlreadyRunningError(profile, previous.pid);
    }
    if (previous !== undefined) killLeftovers(previous);
    if (fs.existsSync(file)) fs.rmSync(file, { force: true });
    try {
      // `wx` fails if another launcher created the file in between: then look again.
      fs.writeFileSync(file, `${JSON.stringify({ pid: process.pid, children: [] })}\n`, { flag: 'wx' });
      runFile = file;
      return () => {
        if (readRunFile(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        if (runFile === file) runFile = undefined;
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const holder = readRunFile(file);
  throw new AlreadyRunningError(profile, holder?.pid ?? 0);
}

function killLeftovers(previous: RunFileContent): void {
  for (const child of previous.children) {
    if (!isAlive(child.pid) || child.command === '') continue;
    const cmdline = readOrEmpty(`/proc/${child.pid}/cmdline`).replaceAll('\0', ' ');
    if (cmdline.includes(child.command)) signalGroup(child.pid, 'SIGKILL');
  }
}

function isAlive(pid: number): boolean {
  // A killed launcher whose parent died too may linger as a zombie nobody reaps (containers without an init).
  if (/^\d+ \(.*\) Z/.test(readOrEmpty(`/proc/${pid}/stat`))) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The launcher runs under scripts/bootstrap.mjs; if that parent disappears without passing on a signal,
 * nobody is left to stop the launcher, so it stops itself.
 */
export function onParentDeath(callback: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      callback();
    }
  }, 1000);
  timer.unref();
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Give up early, with its exit in the message, if this process ends while we wait. */
  process?: ManagedProcess;
}

export async function waitUntil(check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const proc = options.process;
    if (proc !== undefined && !proc.isRunning()) {
      const exit = await proc.exited;
      throw new Error(`${options.what}: ${proc.name} exited (${describeExit(exit)})${seeLog(proc)}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${options.what}: not ready after ${options.timeoutMs / 1000} s${seeLog(proc)}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

/** A part that never became ready is stopped before its error is passed on, so a failed start leaves nothing. */
export async function stopOnFailure<T>(proc: ManagedProcess, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await proc.stop(3000);
    throw error;
  }
}

export function describeExit(exit: ExitInfo): string {
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}

function seeLog(proc: ManagedProcess | undefined): string {
  return proc?.logFile === undefined ? '' : `; see ${proc.logFile}`;
}

export async function httpStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.status;
}

export function tcpConnect(port: number, host = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(2000, () => socket.destroy(new Error(`timeout connecting to ${host}:${port}`)));
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Fails fast with a clear message instead of a process that dies with "address already in use". */
export async function ensurePortFree(port: number, what: string, variable: string): Promise<void> {
  const socket = await tcpConnect(port).catch(() => undefined);
  if (socket === undefined) return;
  socket.destroy();
  throw new Error(
    `${what} cannot listen on 127.0.0.1:${port}: something else already does (set ${variable} to another port)`,
  );
}

export function tail(file: string, lines: number): string {
  const text = readOrEmpty(file);
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}
