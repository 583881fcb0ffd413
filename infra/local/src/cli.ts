import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tail } from './process.ts';

/** The repository root, two folders above infra/local/src. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function elapsed(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)}s`;
}

export function printLogTails(files: readonly string[], lines = 30): void {
  for (const file of files) {
    console.error(`\n── last ${lines} lines of ${path.relative(repoRoot, file)} ──`);
    console.error(tail(file, lines));
  }
}

/**
 * kafkajs 2.2.4 schedules a timer with a negative delay, which Node.js 24 reports on every request
 * (https://github.com/tulios/kafkajs/issues/1751). It is harmless; everything else is still printed.
 */
export function quietKnownWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') console.error(`${warning.name}: ${warning.message}`);
  });
}

/**
 * Calls `onStop` once on the first SIGINT/SIGTERM/SIGHUP. A terminal's Ctrl-C arrives both directly and
 * forwarded by scripts/bootstrap.mjs, so repeats are ignored rather than treated as "force quit".
 */
export function onStopSignal(onStop: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      onStop(signal);
    });
  }
}

/** Conventional exit code for a process ended by a signal. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Partial<Record<NodeJS.Signals, number>>)[signal]!;
}
