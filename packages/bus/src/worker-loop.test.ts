import type { Logger } from '@aid/telemetry';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  backoffDelay,
  idleDelay,
  startWorkerLoop,
  type PassResult,
  type WorkerLoopOptions,
} from './worker-loop.ts';

function recordingLogger() {
  const warnings: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  const logger = {
    warn: (fields: Record<string, unknown>) => warnings.push(fields),
    error: (fields: Record<string, unknown>) => errors.push(fields),
  } as unknown as Logger;
  return { logger, warnings, errors };
}

/** A pass that answers from a script, counting its calls. */
function scripted(results: (PassResult | Error)[], fallback: PassResult = 'idle') {
  const calls = { count: 0 };
  const pass = () => {
    const next = results[calls.count] ?? fallback;
    calls.count += 1;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { pass, calls };
}

const start = (overrides: Partial<WorkerLoopOptions> & Pick<WorkerLoopOptions, 'pass'>) =>
  startWorkerLoop({
    intervalMs: 1_000,
    logger: recordingLogger().logger,
    failureMessage: 'pass failed',
    random: () => 0.5,
    ...overrides,
  });

describe('worker loop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when a pass is idle, then the next runs after the interval, or at once when woken', async () => {
    const { pass, calls } = scripted([]);
    const loop = start({ pass });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.count).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.count).toBe(2);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.count).toBe(3);
    await loop.stop();
  });

  it('when a first delay is set, then the first pass waits for it, or runs at once when woken', async () => {
    const { pass, calls } = scripted([]);
    const loop = start({ pass, firstDelayMs: 5_000 });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(calls.count).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.count).toBe(2);
    await loop.stop();

    const woken = scripted([]);
    const early = start({ pass: woken.pass, firstDelayMs: 5_000 });
    early.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(woken.calls.count).toBe(1);
    await early.stop();
  });

  it('when stopped during the first delay, then stop resolves at once and no pass runs', async () => {
    const { pass, calls } = scripted([]);
    const loop = start({ pass, firstDelayMs: 60_000 });
    await loop.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.count).toBe(0);
  });

  it('when a pass reports more, then the next runs at once; a pass asking to wait sleeps that long', async () => {
    const { pass, calls } = scripted(['more', 'more', { waitMs: 20 }]);
    const loop = start({ pass });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.count).toBe(3);
    await vi.advanceTimersByTimeAsync(20);
    expect(calls.count).toBe(4);
    await loop.stop();
  });

  it('when woken during a pass, then another pass runs right after it instead of sleeping', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const loop = start({
      pass: () => {
        calls += 1;
        return calls === 1
          ? new Promise<PassResult>((resolve) => (release = () => resolve('idle')))
          : Promise.resolve('idle');
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    loop.wake();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(2);
    await loop.stop();
  });

  it('when passes keep failing, then each is logged and the pause doubles up to the cap', async () => {
    const { logger, warnings } = recordingLogger();
    const failure = new Error('broker down');
    const { pass, calls } = scripted([failure, failure, failure, failure, failure], 'idle');
    const loop = start({ pass, logger, backoffMs: 100, maxBackoffMs: 800, random: () => 0 });
    await vi.advanceTimersByTimeAsync(0);
    const pauses: number[] = [];
    for (let failed = 1; failed <= 5; failed += 1) {
      const before = calls.count;
      let waited = 0;
      while (calls.count === before) {
        await vi.advanceTimersByTimeAsync(1);
        waited += 1;
      }
      pauses.push(waited);
    }
    // Half of 200, 400, 800, then the cap of 800: the lowest draw of the jitter.
    expect(pauses).toEqual([100, 200, 400, 400, 400]);
    expect(warnings.map((fields) => fields.failures)).toEqual([1, 2, 3, 4, 5]);
    expect(warnings[0]).toMatchObject({ err: failure });
    await loop.stop();
  });

  it('when a pass fails after failures, then the count starts again and the interval applies', async () => {
    const { pass, calls } = scripted([new Error('once')]);
    const loop = start({ pass, backoffMs: 50 });
    await vi.advanceTimersByTimeAsync(75);
    expect(calls.count).toBe(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.count).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.count).toBe(3);
    await loop.stop();
  });

  it('when a failure is logged at error level with context, then the context is read at that moment', async () => {
    const { logger, errors } = recordingLogger();
    let item = 'first';
    const loop = start({
      pass: () => Promise.reject(new Error(`bad ${item}`)),
      logger,
      failureLevel: 'error',
      failureContext: () => ({ item }),
    });
    await vi.advanceTimersByTimeAsync(0);
    item = 'second';
    await vi.advanceTimersByTimeAsync(10_000);
    expect(errors.slice(0, 2).map((fields) => fields.item)).toEqual(['first', 'second']);
    await loop.stop();
  });

  it('when stopped during a pass, then stop resolves only after that pass and no pass follows', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const loop = start({
      pass: () => {
        calls += 1;
        return new Promise<PassResult>((resolve) => (release = () => resolve('more')));
      },
    });
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(calls).toBe(1);
  });

  it('when idle passes follow each other under a longest interval, then the sleep doubles up to it, and a wake starts again from the interval', async () => {
    const { pass, calls } = scripted([]);
    const loop = start({ pass, intervalMs: 100, maxIntervalMs: 1_000 });
    /** How long the loop sleeps before its next pass, to the millisecond. */
    const nextSleep = async () => {
      const before = calls.count;
      let waited = 0;
      while (calls.count === before) {
        await vi.advanceTimersByTimeAsync(1);
        waited += 1;
      }
      return waited;
    };
    await vi.advanceTimersByTimeAsync(0);
    const sleeps: number[] = [];
    for (let pass = 0; pass < 6; pass += 1) sleeps.push(await nextSleep());
    expect(sleeps).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(await nextSleep()).toBe(100);
    expect(await nextSleep()).toBe(200);
    await loop.stop();
  });

  it('when a pass finds work or asks for a pause after idle passes, then the next idle sleep is the interval again', async () => {
    const { pass, calls } = scripted([
      'idle',
      'idle',
      'idle',
      'more',
      'idle',
      'idle',
      { waitMs: 50 },
      'idle',
    ]);
    const loop = start({ pass, intervalMs: 100, maxIntervalMs: 10_000 });
    await vi.advanceTimersByTimeAsync(0);
    // Idle sleeps of 100, 200, 400; then work: at once, and 100 again.
    await vi.advanceTimersByTimeAsync(700);
    expect(calls.count).toBe(5);
    await vi.advanceTimersByTimeAsync(99);
    expect(calls.count).toBe(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.count).toBe(6);
    // 200 after the second idle pass in a row; then the asked-for 50, after which idle sleeps start at 100.
    await vi.advanceTimersByTimeAsync(200);
    expect(calls.count).toBe(7);
    await vi.advanceTimersByTimeAsync(50);
    expect(calls.count).toBe(8);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls.count).toBe(9);
    await loop.stop();
  });

  it('when stopped while sleeping, then stop resolves without waiting for the interval', async () => {
    const { pass, calls } = scripted([]);
    const loop = start({ pass, intervalMs: 60_000 });
    await vi.advanceTimersByTimeAsync(0);
    await loop.stop();
    expect(calls.count).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('idle delay', () => {
  it('doubles the interval per idle pass up to the longest, never below the interval, and stays finite', () => {
    expect([0, 1, 2, 3, 4, 5].map((passes) => idleDelay(passes, 250, 5_000))).toEqual([
      250, 500, 1_000, 2_000, 4_000, 5_000,
    ]);
    expect(idleDelay(3, 250)).toBe(250);
    expect(idleDelay(3, 250, 100)).toBe(250);
    expect(idleDelay(10_000, 250, 60_000)).toBe(60_000);
    expect(idleDelay(10_000, 0, 60_000)).toBe(0);
  });
});

describe('backoff delay', () => {
  it('stays within the upper half of the capped exponential pause, whatever the random draw', () => {
    for (const failures of [1, 2, 3, 8, 30]) {
      const ceiling = Math.min(100 * 2 ** failures, 10_000);
      for (const draw of [0, 0.25, 0.5, 0.999_999]) {
        const delay = backoffDelay(failures, 100, 10_000, () => draw);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(100);
    expect(backoffDelay(30, 100, 10_000, () => 0.999_999)).toBeCloseTo(10_000, 0);
  });
});
