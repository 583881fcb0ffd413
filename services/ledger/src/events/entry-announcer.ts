import { startWorkerLoop } from '@aid/bus';
import type { ServiceDeps } from '@aid/runtime';
import { detachedFromTrace, withPublishSpans, type Logger } from '@aid/telemetry';
import type { LedgerStore } from '../store/ledger-store.ts';
import type { CommittedGroup } from '../store/log-appender.ts';
import { entryAppendedMessage, type EntryMessage } from './entry-appended.ts';

export interface EntryAnnouncer {
  /** Groups just committed: their messages are published next, off the consumer's path. */
  queue(groups: CommittedGroup[]): void;
  /** Publishes what is queued, then stops. */
  stop(): Promise<void>;
}

/**
 * Publishes one entry-appended message per entry on ledger.entries.v1, after its group is on the log. The
 * group's commit record is the outbox: it is deleted only once its messages are published, so a crash in
 * between publishes them again (same event ids) at the next sweep. The sweep also finishes groups whose commit
 * was interrupted and that no later append came to finish, so an idle campaign's log never stays behind.
 * Each message is sent under a producer span whose parent is the span that appended its entry (the consumption
 * of the event it records), so an entry's announcement continues the trace of the gift or payout behind it.
 */
export function startEntryAnnouncer(options: {
  store: LedgerStore;
  publish(messages: EntryMessage[]): Promise<void>;
  logger: Logger;
  tracer: ServiceDeps['tracer'];
  intervalMs?: number;
  /** The longest sleep between sweeps once nothing is appended: the sweeps back off from `intervalMs` to it. */
  maxIntervalMs?: number;
  /** Records younger than this belong to an append in progress (here or in another instance). */
  graceMs?: number;
}): EntryAnnouncer {
  const { store, logger, tracer } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const maxIntervalMs = options.maxIntervalMs ?? 15_000;
  const graceMs = options.graceMs ?? 10_000;
  let queued: CommittedGroup[] = [];

  async function announce(groups: CommittedGroup[]): Promise<void> {
    if (groups.length === 0) return;
    const messages = groups.flatMap((group) =>
      group.entries.map((entry) => entryAppendedMessage(entry, group.time)),
    );
    await withPublishSpans(tracer, messages, (traced) => options.publish(traced));
    await store.groupsAnnounced(groups.map((group) => group.id));
  }

  /** Finishes and announces groups left in flight; how many it found. */
  async function sweep(): Promise<number> {
    const records = await store.groupsInFlight(new Date(Date.now() - graceMs), 100);
    for (const record of records) {
      await store.ensureCommitted(record);
      await announce([{ id: record._id, time: record.time, entries: await store.groupEntries(record) }]);
    }
    return records.length;
  }

  let lastSweep = 0;
  // What was not announced keeps its record: the sweep publishes it once the broker or database is back. An
  // append wakes the loop and starts the sweeps again every `intervalMs`; a quiet ledger sweeps less and less
  // often, so a group left by a crash (or an interrupted commit no append came to finish) is announced at most
  // `graceMs` + `maxIntervalMs` after its record was written (25 s by default).
  const loop = startWorkerLoop({
    async pass() {
      const groups = queued;
      queued = [];
      await announce(groups);
      let swept = 0;
      if (Date.now() - lastSweep >= intervalMs) {
        lastSweep = Date.now();
        swept = await sweep();
      }
      // A sweep that found groups keeps the sweeps every `intervalMs` until one finds none.
      return queued.length > 0 || swept > 0 ? 'more' : 'idle';
    },
    intervalMs,
    maxIntervalMs,
    logger,
    failureMessage: 'entry announcements failed; the sweep retries them',
  });

  return {
    queue(groups) {
      if (groups.length === 0) return;
      queued.push(...groups);
      loop.wake();
    },
    async stop() {
      await loop.stop();
      await detachedFromTrace(() => announce(queued)).catch((error: unknown) =>
        logger.warn({ err: error }, 'entry announcements left for the next start'),
      );
    },
  };
}
