import type { IncomingMessage } from 'node:http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** Probes and scrapes: answered many times a minute, and never part of a gift's story. */
const unsampledPaths = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The OpenTelemetry instrumentations every service runs with, following the semantic conventions: a SERVER span
 * per HTTP request named by its route template (http, with express naming the route), a CLIENT span per
 * outgoing fetch that also passes `traceparent` on (undici), and a CLIENT span per MongoDB command (mongoose
 * talks through the mongodb driver).
 *
 * Kafka is not among them: the bus makes its own producer and consumer spans by the same conventions, because
 * an event leaves from the outbox in a batch sent long after the work that decided it, and the kafkajs
 * instrumentation would start every send span from the relay's (empty) context and overwrite the `traceparent`
 * the event was stored with, cutting each gift's trace at the outbox.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) =>
        unsampledPaths.has((request.url ?? '').split('?')[0] ?? ''),
    }),
    new ExpressInstrumentation({
      // Express is here to name the SERVER span by its route; a span per middleware, router and handler layer
      // would be noise, and would make a handler's work the child of a layer span instead of the request's.
      ignoreLayersType: [
        ExpressLayerType.MIDDLEWARE,
        ExpressLayerType.ROUTER,
        ExpressLayerType.REQUEST_HANDLER,
      ],
    }),
    new UndiciInstrumentation(),
    new MongoDBInstrumentation({ requireParentSpan: true }),
  ];
}
