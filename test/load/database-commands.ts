// What a phase costs the database, per service: the commands each service counted (its /metrics,
// `aid_database_commands_total`), read before and after. Writes are commits: one SQLite transaction each on the
// local database, one journal write each on MongoDB.

export interface CommandCounts {
  writes: number;
  reads: number;
}

export type CommandSnapshot = Record<string, CommandCounts>;

const sample = /^aid_database_commands_total\{([^}]*)\}\s+([0-9.e+]+)$/;

/** The counts in one /metrics page, summed over commands. */
export function parseCommandCounts(text: string): CommandCounts {
  const counts: CommandCounts = { writes: 0, reads: 0 };
  for (const line of text.split('\n')) {
    const match = sample.exec(line);
    if (!match) continue;
    const kind = /kind="(\w+)"/.exec(match[1] ?? '')?.[1];
    const value = Number(match[2]);
    if (kind === 'write') counts.writes += value;
    else if (kind === 'read') counts.reads += value;
  }
  return counts;
}

export async function commandSnapshot(
  metricsUrls: Record<string, string>,
  token: string,
): Promise<CommandSnapshot> {
  const entries = await Promise.all(
    Object.entries(metricsUrls).map(async ([service, url]) => {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`${service} /metrics answered ${response.status}`);
      return [service, parseCommandCounts(await response.text())] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Each service's commands between two snapshots, and the whole stack's. */
export function commandsSpent(before: CommandSnapshot, after: CommandSnapshot): CommandSnapshot {
  const spent: CommandSnapshot = {};
  const total: CommandCounts = { writes: 0, reads: 0 };
  for (const [service, counts] of Object.entries(after)) {
    const earlier = before[service] ?? { writes: 0, reads: 0 };
    const delta = { writes: counts.writes - earlier.writes, reads: counts.reads - earlier.reads };
    spent[service] = delta;
    total.writes += delta.writes;
    total.reads += delta.reads;
  }
  return { ...spent, stack: total };
}

/** "donation 3.00 w / 2.00 r, …" per unit of work (a gift, a donation started). */
export function perUnit(spent: CommandSnapshot, units: number): string {
  const each = (value: number) => (units === 0 ? '?' : (value / units).toFixed(2));
  return Object.entries(spent)
    .map(([service, { writes, reads }]) => `${service} ${each(writes)} w / ${each(reads)} r`)
    .join(', ');
}

const totalWrites = (snapshot: CommandSnapshot) =>
  Object.values(snapshot).reduce((sum, counts) => sum + counts.writes, 0);

/**
 * Waits until no service has written for `quietMs` (work a burst left behind, such as folding the donation
 * journal after the webhooks pause), or until `timeoutMs`. Answers how long it waited, whether it got quiet, and
 * the snapshots it began and ended with.
 */
export async function untilWritesStop(
  snapshot: () => Promise<CommandSnapshot>,
  options: { quietMs: number; timeoutMs: number },
): Promise<{ waitedMs: number; quiet: boolean; first: CommandSnapshot; last: CommandSnapshot }> {
  const started = performance.now();
  const first = await snapshot();
  let last = first;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.quietMs));
    const now = await snapshot();
    const waitedMs = performance.now() - started;
    const quiet = totalWrites(now) === totalWrites(last);
    last = now;
    if (quiet || waitedMs >= options.timeoutMs) return { waitedMs, quiet, first, last };
  }
}
