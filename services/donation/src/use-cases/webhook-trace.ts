import type { ServiceDeps } from '@aid/runtime';
import { withSpanFrom } from '@aid/telemetry';
import type { InboxEvent } from '../store/stripe-inbox.store.ts';

/**
 * Runs the decision on one Stripe event in a span under the webhook request that delivered it, so the events it
 * queues carry that request's trace whichever batch applies it. Events stored without a trace start their own.
 */
export function inTraceOfWebhook<T>(
  tracer: ServiceDeps['tracer'],
  event: InboxEvent,
  work: () => Promise<T>,
): Promise<T> {
  return withSpanFrom(
    tracer,
    `apply ${event.type}`,
    event.trace,
    { 'stripe.event.id': event.id, 'stripe.event.type': event.type },
    work,
  );
}
