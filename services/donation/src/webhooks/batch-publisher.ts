import { startWorkerLoop } from '@aid/bus';
import type { ServiceDeps } from '@aid/runtime';
import { withPublishSpans, type Logger } from '@aid/telemetry';
import type { JournalEntry } from '../store/donation-journal.store.ts';

export interface BatchPublisher {
  /** Queues a committed batch's events; batches are published in commit order. */
  committed(entry: JournalEntry): void;
  /** Resolves once the batch's events went out; asked once per batch (by the folder, before deleting it). */
  published(journalId: string): Promise<void>;
  backlog(): number;
  stop(): Promise<void>;
}

/**
 * Publishes each committed journal batch's events straight from memory, in commit order, one Kafka request per
 * batch. The journal document holds the events in the same write as the changes (the outbox rule); it is
 * deleted only after its events were published and its changes folded, and at start-up every journal left is
 * published again, so events are published at least once, never lost; consumers drop repeats by event id.
 * This replaces the generic outbox relay for webhook batches: it needs no scan for pending documents and no
 * write to clear them, which on FerretDB cost more than the batch itself.
 */
export function startBatchPublisher(options: {
  publisher: ServiceDeps['publisher'];
  logger: Logger;
  tracer: ServiceDeps['tracer'];
}): BatchPublisher {
  const { publisher, logger, tracer } = options;
  const queue: JournalEntry[] = [];
  // Batches published that nobody asked about yet, and those asked about before they went out.
  const published = new Set<string>();
  const awaited = new Map<string, () => void>();

  function markPublished(journalId: string): void {
    const resolve = awaited.get(journalId);
    if (!resolve) {
      published.add(journalId);
      return;
    }
    awaited.delete(journalId);
    resolve();
  }

  async function publishNext(): Promise<boolean> {
    const next = queue[0];
    if (!next) return false;
    if (next.messages.length > 0) {
      // Each event is sent under a producer span in the trace its webhook started (carried in its headers).
      await withPublishSpans(tracer, next.messages, (messages) =>
        publisher.publish(
          messages.map(({ topic, key, payload, headers }) => ({ topic, key, value: payload, headers })),
        ),
      );
    }
    queue.shift();
    markPublished(next.id);
    return true;
  }

  // Every committed batch wakes the loop, and a failed publish is retried on the failure pauses: polling finds
  // nothing the wakes did not, so an idle publisher sleeps long.
  const loop = startWorkerLoop({
    pass: async () => ((await publishNext()) ? 'more' : 'idle'),
    intervalMs: 250,
    maxIntervalMs: 60_000,
    backoffMs: 100,
    logger,
    failureMessage: 'donation events not published; will retry',
  });

  return {
    committed(entry) {
      queue.push(entry);
      loop.wake();
    },
    published(journalId) {
      if (published.delete(journalId)) return Promise.resolve();
      return new Promise((resolve) => awaited.set(journalId, resolve));
    },
    backlog: () => queue.length,
    async stop() {
      await loop.stop();
      // What was committed before the stop still goes out; if the broker refuses, the journal keeps it for the next start.
      try {
        while (await publishNext()) {
          // until the queue is empty
        }
      } catch (error) {
        logger.warn(
          { err: error },
          'donation events not published at shutdown; they are published at next start',
        );
      }
    },
  };
}
