import { detachedFromTrace, type Logger } from '@aid/telemetry';

/** What a pass found: more work right away, nothing (sleep the interval), or a reason to look again sooner. */
export type PassResult = 'more' | 'idle' | { waitMs: number };

export interface WorkerLoop {
  /** Runs a pass now instead of after the sleep; a wake during a pass runs another one right after it. */
  wake(): void;
  /** Ends the sleep and resolves once the pass in flight, if any, has finished; no pass starts after. */
  stop(): Promise<void>;
}

export interface WorkerLoopOptions {
  pass(): Promise<PassResult>;
  /** The sleep after an idle pass. */
  intervalMs: number;
  /**
   * Idle passes in a row double the sleep from `intervalMs` up to this, so a loop with nothing to do wakes
   * rarely; a pass that finds work, asks for its own pause or fails, and any wake, start again from
   * `intervalMs`. Work that only polling finds waits up to this long after a quiet spell. None unless told.
   */
  maxIntervalMs?: number;
  /** A sleep before the first pass (a wake or stop ends it), for work that need not run at start-up; none unless told. */
  firstDelayMs?: number;
  logger: Logger;
  /** Logged with the error and the count of failures in a row. */
  failureMessage: string;
  failureLevel?: 'warn' | 'error';
  /** Fields logged with a failure, read when it happens (for instance the item the pass was working on). */
  failureContext?(): Record<string, unknown>;
  /** The pause after `n` failures in a row is this times 2^n, up to `maxBackoffMs`; `intervalMs` unless told. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** In [0, 1); replaced in tests. */
  random?: () => number;
}

/**
 * The pause after `failures` failures in a row: exponential up to the cap, then jittered over its upper half, so
 * instances that failed together (a broker or database restart) do not all come back at the same instant.
 */
export function backoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(baseMs * 2 ** failures, maxMs);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** The sleep after `idlePasses` idle passes in a row: `intervalMs`, doubled per pass, up to `maxIntervalMs`. */
export function idleDelay(idlePasses: number, intervalMs: number, maxIntervalMs = intervalMs): number {
  // Past 2^30 the product is over any sensible cap anyway; the bound keeps it finite.
  return Math.max(intervalMs, Math.min(intervalMs * 2 ** Math.min(idlePasses, 30), maxIntervalMs));
}

/**
 * Runs `pass` over and over: at once while it reports more, after `intervalMs` (or a wake) when it is idle, and
 * after a growing, jittered pause when it throws; with `maxIntervalMs`, the sleep between idle passes grows too.
 * Passes run detached from the trace of whoever started the loop (a service's start-up or a request that woke
 * it): their work belongs to the traces it carries, not to that.
 */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  const backoffMs = options.backoffMs ?? options.intervalMs;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const random = options.random ?? Math.random;
  let running = true;
  let woken = false;
  let idlePasses = 0;
  let interrupt: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      interrupt = undefined;
    });

  const loop = detachedFromTrace(async () => {
    let failures = 0;
    if (options.firstDelayMs !== undefined && options.firstDelayMs > 0) await sleep(options.firstDelayMs);
    while (running) {
      woken = false;
      let result: PassResult;
      try {
        result = await options.pass();
        failures = 0;
      } catch (error) {
        failures += 1;
        const fields = { err: error, failures, ...options.failureContext?.() };
        if (options.failureLevel === 'error') options.logger.error(fields, options.failureMessage);
        else options.logger.warn(fields, options.failureMessage);
        result = { waitMs: backoffDelay(failures, backoffMs, maxBackoffMs, random) };
      }
      if (!running) break;
      if (result === 'more' || (woken && failures === 0)) {
        idlePasses = 0;
        continue;
      }
      if (result === 'idle') {
        const delay = idleDelay(idlePasses, options.intervalMs, options.maxIntervalMs);
        idlePasses += 1;
        await sleep(delay);
      } else {
        idlePasses = 0;
        await sleep(result.waitMs);
      }
    }
  });

  return {
    wake() {
      woken = true;
      idlePasses = 0;
      interrupt?.();
    },
    async stop() {
      running = false;
      interrupt?.();
      await loop;
    },
  };
}
