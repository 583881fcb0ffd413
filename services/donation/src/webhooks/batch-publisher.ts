import type { ServiceDeps } from '@aid/runtime';
import { withPublishSpans, type Logger } from '@aid/telemetry';
import type { JournalEntry } from '../store/donation-journal.store.ts';

export interface BatchPublisher {
  /** Queues a committed batch's events; batches are published in commit order. */
  committed(entry: JournalEntry): void;
  isPublished(journalId: string): boolean;
  forget(journalId: string): void;
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
export function startBatchPublisher(options: { publisher: ServiceDeps['publisher']; logger: Logger; tracer: ServiceDeps['tracer'] }): BatchPublisher {
  const { publisher, logger, tracer } = options;
  const queue: JournalEntry[] = [];
  const published = new Set<string>();
  let running = true;
  let wake: (() => void) | undefined;
  let failures = 0;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function publishNext(): Promise<boolean> {
    const next = queue[0];
    if (!next) return false;
    if (next.messages.length > 0) {
      // Each event is sent under a producer span in the trace its webhook started (carried in its headers).
      await withPublishSpans(tracer, next.messages, (messages) => publisher.publish(messages.map(({ topic, key, payload, headers }) => ({ topic, key, value: payload, headers }))));
    }
    published.add(next.id);
    queue.shift();
    return true;
  }

  const loop = (async () => {
    while (running || queue.length > 0) {
      try {
        if (await publishNext()) {
          failures = 0;
          continue;
        }
      } catch (error) {
        failures += 1;
        logger.warn({ err: error, failures }, 'donation events not published; will retry');
        if (!running) break;
        await pause(Math.min(100 * 2 ** failures, 10_000));
        continue;
      }
      if (!running) break;
      await pause(250);
    }
  })();

  return {
    committed(entry) {
      queue.push(entry);
      wake?.();
    },
    isPublished: (journalId) => published.has(journalId),
    forget: (journalId) => published.delete(journalId),
    backlog: () => queue.length,
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
