import { detachedFromTrace, withPublishSpans, type Logger } from '@aid/telemetry';
import type { Tracer } from '@opentelemetry/api';
import type { Publisher } from './publisher.ts';
import { startWorkerLoop } from './worker-loop.ts';

export interface RelayBatch {
  messages: { id: string; topic: string; key: string; payload: string; headers: Record<string, string> }[];
}

export interface RelayStore<Batch extends RelayBatch> {
  /** Batches waiting; `sweep` asks for a full search rather than only the documents known to have changed. */
  pending(limit: number, sweep?: boolean): Promise<Batch[]>;
  /** Whether another `pending` call would find more right away. */
  more?(): boolean;
  clear(batch: Batch): Promise<void>;
  backlog(): Promise<number>;
  /**
   * Calls `wake` whenever the store learns of messages just queued (by a write of this process), so the relay
   * publishes them at once instead of when it next polls; returns what stops the calls.
   */
  watch?(wake: () => void): () => void;
}

export interface OutboxRelay {
  /** Publishes now instead of at the next tick; use cases call it after saving. */
  kick(): void;
  /** Publishes whatever is queued, then stops polling. */
  stop(): Promise<void>;
  backlog(): Promise<number>;
}

/**
 * Publishes queued messages, then removes them from their documents. A crash between the two publishes them
 * again on restart (at least once); consumers make that harmless. Messages of one document are published in
 * the order they were queued. Each message is sent under a producer span continuing the trace it was queued in,
 * and leaves with that span's context in its headers.
 */
export function startOutboxRelay<Batch extends RelayBatch>(options: {
  store: RelayStore<Batch>;
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
  intervalMs?: number;
  /** The longest sleep an idle relay grows to (see WorkerLoopOptions.maxIntervalMs); `intervalMs` unless told. */
  maxIntervalMs?: number;
  batchSize?: number;
}): OutboxRelay {
  const { store, publisher, logger, tracer } = options;
  const intervalMs = options.intervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;

  async function drainOnce(sweep = false): Promise<number> {
    const batches = await store.pending(batchSize, sweep);
    for (const batch of batches) {
      await withPublishSpans(tracer, batch.messages, (messages) =>
        publisher.publish(
          messages.map(({ topic, key, payload, headers }) => ({ topic, key, value: payload, headers })),
        ),
      );
      await store.clear(batch);
    }
    return batches.length;
  }

  // A full page, or more known to be waiting: look again at once.
  const loop = startWorkerLoop({
    pass: async () => ((await drainOnce()) >= batchSize || store.more?.() === true ? 'more' : 'idle'),
    intervalMs,
    maxIntervalMs: options.maxIntervalMs,
    logger,
    failureMessage: 'outbox relay could not publish; will retry',
  });
  const unwatch = store.watch?.(() => loop.wake());

  return {
    kick: () => loop.wake(),
    async stop() {
      unwatch?.();
      await loop.stop();
      try {
        // A full search, so this instance leaves nothing it can publish behind.
        await detachedFromTrace(() => drainOnce(true));
      } catch (error) {
        logger.warn({ err: error }, 'outbox not flushed at shutdown; it is published at next start');
      }
    },
    backlog: () => store.backlog(),
  };
}
