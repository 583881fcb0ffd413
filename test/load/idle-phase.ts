import { topics } from '@aid/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { cpuSnapshot, cpuSpent, threadCpuSnapshot, threadsSpent } from './process-cpu.ts';
import { sleep } from './stats.ts';

export interface IdlePhase {
  /** The window as measured (a little over the one asked for: the snapshots take time). */
  seconds: number;
  /** Each process's CPU over the window, % of one core; undefined where it could not be read. */
  share: Record<string, number | undefined>;
  /** The stack's processes summed (the bench itself left out). */
  total: number;
  /** Each process's busiest threads over the window, % of one core, when asked for. */
  threads: Record<string, { name: string; share: number }[]>;
  /**
   * Messages published on each event topic during the window. Nothing asks the stack to publish; above zero,
   * another run on a shared broker did, and the stack's consumers handled that (and published what it led to):
   * the window was then not idle for the consuming services.
   */
  published: Record<string, number>;
}

/** The sum of every partition's end offset, per event topic. */
async function topicEnds(brokers: string[]): Promise<Record<string, number>> {
  const admin = new Kafka({ clientId: 'load-idle', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends: Record<string, number> = {};
    for (const topic of Object.values(topics))
      ends[topic] = (await admin.fetchTopicOffsets(topic)).reduce((sum, { high }) => sum + Number(high), 0);
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/**
 * The stack left alone: nothing is asked of it for `settleSeconds`, then each process's CPU time is read from
 * /proc over `seconds`. The settling matters: right after start-up and the first requests, consumers are still
 * joining, the JIT compiling and the background loops backing off towards their idle sleeps, none of which
 * is idle cost. /proc counts in 10 ms ticks, so one tick is 0.2 % of a core over 5 s and 0.03 % over 30 s.
 */
export async function measureIdle(options: {
  brokers: string[];
  processes: Record<string, number | undefined>;
  settleSeconds: number;
  seconds: number;
  /** Also read every thread of each process, to tell where an idle process spends its time. */
  threads: boolean;
}): Promise<IdlePhase> {
  const { processes } = options;
  const threadSnapshots = () =>
    Promise.all(Object.values(processes).map((pid) => threadCpuSnapshot(options.threads ? pid : undefined)));
  await sleep(options.settleSeconds * 1000);
  // The offsets are read outside the window: the bench's own admin client is no part of the stack's cost.
  const endsBefore = await topicEnds(options.brokers);
  const threadsBefore = await threadSnapshots();
  const before = await cpuSnapshot(processes);
  const started = performance.now();
  await sleep(options.seconds * 1000);
  const after = await cpuSnapshot(processes);
  const seconds = (performance.now() - started) / 1000;
  const threadsAfter = await threadSnapshots();
  const endsAfter = await topicEnds(options.brokers);
  const published = Object.fromEntries(
    Object.entries(endsAfter).map(([topic, end]) => [topic, end - (endsBefore[topic] ?? end)]),
  );
  const spent = cpuSpent(before, after);
  const share = Object.fromEntries(
    Object.entries(spent).map(([name, cpu]) => [name, cpu === undefined ? undefined : (cpu / seconds) * 100]),
  );
  const total = Object.entries(share)
    .filter(([name]) => name !== 'bench')
    .reduce((sum, [, value]) => sum + (value ?? 0), 0);
  const threads = Object.fromEntries(
    Object.keys(processes).map((name, index) => [
      name,
      threadsSpent(threadsBefore[index] ?? new Map(), threadsAfter[index] ?? new Map()).map((thread) => ({
        name: thread.name,
        share: (thread.seconds / seconds) * 100,
      })),
    ]),
  );
  return { seconds, share, total, threads, published };
}
