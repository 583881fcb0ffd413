import type { ServiceDeps } from '@aid/runtime';
import type { OutboxMessage } from '@aid/store';
import { withPublishSpans } from '@aid/telemetry';

/**
 * Publishes a written webhook batch's events straight from memory, one Kafka request per batch. The events are
 * recorded on their donations in the same write as the changes (the outbox rule), and the batch's inbox events
 * are settled only after this resolves, so an event lost to a crash is published again when its Stripe event is
 * applied again; consumers drop repeats by event id. No relay scans for pending messages and no write clears them.
 */
export function batchPublisher(options: {
  publisher: ServiceDeps['publisher'];
  tracer: ServiceDeps['tracer'];
}): (messages: OutboxMessage[]) => Promise<void> {
  const { publisher, tracer } = options;
  return async (messages) => {
    if (messages.length === 0) return;
    // Each event is sent under a producer span in the trace its webhook started (carried in its headers).
    await withPublishSpans(tracer, messages, (batch) =>
      publisher.publish(
        batch.map(({ topic, key, payload, headers }) => ({ topic, key, value: payload, headers })),
      ),
    );
  };
}
