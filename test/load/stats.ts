/** Nearest-rank percentile of samples sorted ascending; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

/** p-th percentile of unsorted samples; NaN when there are none. */
export const pct = (samples: number[], p: number) =>
  percentile(
    [...samples].sort((a, b) => a - b),
    p,
  );

const ms = (value: number) =>
  Number.isNaN(value) ? '–' : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;

/** "p50 … p95 … p99 … max … (n=…)" of latencies in milliseconds. */
export function latencySummary(samples: number[]): string {
  if (samples.length === 0) return 'no samples';
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? Number.NaN)} (n=${samples.length})`;
}

export const perSecond = (count: number, seconds: number) => (seconds > 0 ? count / seconds : 0);
export const rate = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Runs `task(0)`, `task(1)`, … with `concurrency` in flight until `until` (performance clock, ms); returns how many ran. */
export async function runFor(
  concurrency: number,
  until: number,
  task: (index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return next;
}

/** Runs `task(0)` … `task(count - 1)` with at most `concurrency` in flight. */
export async function forEachIndex(
  concurrency: number,
  count: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
