import { readdir, readFile, readlink } from 'node:fs/promises';

/** CPU time (user + system) of a process in seconds, from /proc; undefined where there is no /proc or no process. */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name; in clock ticks (100/s).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * The process listening on a local TCP port, from /proc (the socket's inode, then the process holding it), so
 * the run can report the CPU time of the database and the broker next to the services'. Undefined when it
 * cannot be told (another OS, another user's process, a remote server).
 */
export async function listenerPid(port: number): Promise<number | undefined> {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      const rows = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
      for (const row of rows) {
        const columns = row.trim().split(/\s+/);
        const localPort = Number.parseInt(columns[1]?.split(':').at(-1) ?? '', 16);
        // 0A is LISTEN.
        if (localPort === port && columns[3] === '0A' && columns[9]) inodes.add(`socket:[${columns[9]}]`);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const fds = await readdir(`/proc/${entry}/fd`).catch((): string[] => []);
      for (const fd of fds) {
        if (inodes.has(await readlink(`/proc/${entry}/fd/${fd}`).catch(() => ''))) return Number(entry);
      }
    }
  } catch {
    // not Linux, or /proc not readable
  }
  return undefined;
}

/** CPU seconds of each named process now (undefined where it cannot be read). */
export async function cpuSnapshot(
  processes: Record<string, number | undefined>,
): Promise<Record<string, number | undefined>> {
  const entries = await Promise.all(
    Object.entries(processes).map(async ([name, pid]) => [name, await cpuSeconds(pid)] as const),
  );
  return Object.fromEntries(entries);
}

/** CPU seconds each process spent between two snapshots; undefined where either is missing. */
export function cpuSpent(
  before: Record<string, number | undefined>,
  after: Record<string, number | undefined>,
): Record<string, number | undefined> {
  return Object.fromEntries(
    Object.keys(before).map((name) => {
      const [start, end] = [before[name], after[name]];
      return [name, start === undefined || end === undefined ? undefined : end - start];
    }),
  );
}

/** CPU seconds of each thread of a process now, by thread id, with the thread's name (empty where unreadable). */
export async function threadCpuSnapshot(
  pid: number | undefined,
): Promise<Map<string, { name: string; seconds: number }>> {
  const threads = new Map<string, { name: string; seconds: number }>();
  if (pid === undefined) return threads;
  const tids = await readdir(`/proc/${pid}/task`).catch((): string[] => []);
  await Promise.all(
    tids.map(async (tid) => {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (open < 0 || close < open) return;
      const fields = stat.slice(close + 2).split(' ');
      threads.set(tid, {
        name: stat.slice(open + 1, close),
        seconds: (Number(fields[11]) + Number(fields[12])) / 100,
      });
    }),
  );
  return threads;
}

/**
 * CPU seconds spent between two thread snapshots, summed by thread name with its digits folded ("kafka-request-h",
 * "V8 DefaultWorke", "libuv-worker"), busiest first. A thread started in between counts whole; one that ended in
 * between is missing here (its time is in the process's figure).
 */
export function threadsSpent(
  before: Map<string, { name: string; seconds: number }>,
  after: Map<string, { name: string; seconds: number }>,
): { name: string; seconds: number }[] {
  const byName = new Map<string, number>();
  for (const [tid, { name, seconds }] of after) {
    const folded = name.replace(/\d+/g, '#');
    byName.set(folded, (byName.get(folded) ?? 0) + seconds - (before.get(tid)?.seconds ?? 0));
  }
  return [...byName].map(([name, seconds]) => ({ name, seconds })).sort((a, b) => b.seconds - a.seconds);
}
