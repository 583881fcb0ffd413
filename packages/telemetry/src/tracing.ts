import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface Telemetry {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for one service. HTTP, outgoing fetch and MongoDB spans come from the OpenTelemetry
 * instrumentations (`@aid/telemetry/register`, loaded before the service), the Kafka spans from the bus, and the
 * helpers below add the domain steps worth their own timing. `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`,
 * when set, name the service in place of `serviceName`, as the OpenTelemetry SDK configuration has it.
 */
export function startTelemetry(options: {
  serviceName: string;
  otlpEndpoint?: string | undefined;
  spanProcessors?: SpanProcessor[];
}): Telemetry {
  const processors = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    processors.push(
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
      ),
    );
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }).merge(
      detectResources({ detectors: [envDetector] }),
    ),
    spanProcessors: processors,
  });
  // The first provider of a process becomes the global one (context manager, propagator); later ones are
  // refused there, which is harmless: each service keeps its own tracer below.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    // From this provider, not the global API: several services started in one process (tests, benchmarks)
    // each export through their own processors under their own service name.
    tracer: provider.getTracer(options.serviceName),
    shutdown: () => provider.shutdown(),
  };
}

/** W3C trace context of the active span as a carrier (`traceparent`, `tracestate`), for the outbox and Kafka headers. */
export function currentTraceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Runs `work` in a span whose parent is taken from a carrier (a Kafka message's headers, or a stored context),
 * of `kind`: CONSUMER for the processing of a consumed message, INTERNAL for a step of a service's own.
 */
export async function withSpanFrom<T>(
  tracer: Tracer,
  name: string,
  carrier: Record<string, string | undefined>,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  const parent = propagation.extract(context.active(), carrier);
  return tracer.startActiveSpan(name, { attributes, kind }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * Runs `work` in a child span of the active one: a step inside a request or a consumed message that deserves
 * its own timing in the trace (a ledger append, a call to Stripe).
 */
export async function withChildSpan<T>(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Publishes queued messages under one producer span each (OpenTelemetry messaging conventions: `send <topic>`,
 * kind PRODUCER). A message queued in an outbox carries the context of the work that decided it; its send span
 * continues that trace, and the message leaves with the send span's own context (the conventions' creation
 * context when no separate create span exists), so a consumer's span is the child of the send that delivered
 * it. `publish` receives the messages with their headers rewritten; nothing else about them changes.
 */
export async function withPublishSpans<
  M extends { id?: string; topic: string; headers: Record<string, string> },
>(tracer: Tracer, messages: M[], publish: (messages: M[]) => Promise<void>): Promise<void> {
  const spans: Span[] = [];
  const outgoing = messages.map((message) => {
    const parent = propagation.extract(context.active(), message.headers);
    const messageId = message.id ?? message.headers.ce_id;
    const span = tracer.startSpan(
      `send ${message.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.name': 'send',
          'messaging.operation.type': 'send',
          'messaging.destination.name': message.topic,
          ...(messageId ? { 'messaging.message.id': messageId } : {}),
        },
      },
      parent,
    );
    spans.push(span);
    const headers: Record<string, string> = { ...message.headers };
    propagation.inject(trace.setSpan(parent, span), headers);
    return { ...message, headers };
  });
  try {
    await publish(outgoing);
  } catch (error) {
    for (const span of spans) failed(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

/**
 * Runs work done for several messages at once (a consumer's batch) under one span per message, each the child
 * of its own message's carrier, so every message's trace shows its processing rather than only the trace of
 * the batch's first message. `work` receives each span's own carrier, in the messages' order, for what the
 * work queues on a message's behalf. What the work does itself (its database calls) is shared by the batch, so
 * it runs under the one message's span when the batch holds one, and otherwise under a `batch` span linked to
 * every message's span (the messaging conventions' batch processing). A failure marks every span and is
 * rethrown.
 */
export async function withSpanPerCarrier<T>(
  tracer: Tracer,
  messages: { name: string; carrier: Record<string, string | undefined>; attributes: Attributes }[],
  work: (carriers: Record<string, string>[]) => Promise<T>,
  batch: { name: string; attributes: Attributes } = { name: 'process batch', attributes: {} },
): Promise<T> {
  const spans = messages.map(({ name, carrier, attributes }) =>
    tracer.startSpan(
      name,
      { kind: SpanKind.CONSUMER, attributes },
      propagation.extract(ROOT_CONTEXT, carrier),
    ),
  );
  const carriers = spans.map((span) => {
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
    return carrier;
  });
  const [single] = spans;
  const active =
    spans.length === 1 && single
      ? single
      : tracer.startSpan(
          batch.name,
          {
            kind: SpanKind.CONSUMER,
            attributes: { ...batch.attributes, 'messaging.batch.message_count': spans.length },
            links: spans.map((span) => ({ context: span.spanContext() })),
          },
          ROOT_CONTEXT,
        );
  const all = active === single ? spans : [...spans, active];
  try {
    return await context.with(trace.setSpan(ROOT_CONTEXT, active), () => work(carriers));
  } catch (error) {
    for (const span of all) failed(span, error);
    throw error;
  } finally {
    for (const span of all) span.end();
  }
}

/**
 * Runs `work` in the trace context a carrier names (a batch handler's carrier for one of its messages): what it
 * queues or calls on that message's behalf continues the message's trace, not the batch's.
 */
export function withTraceContext<T>(
  carrier: Record<string, string | undefined> | undefined,
  work: () => T,
): T {
  return carrier ? context.with(propagation.extract(ROOT_CONTEXT, carrier), work) : work();
}

/**
 * Runs `work` outside any trace. A background loop started from inside a request (the first caller wakes it)
 * would otherwise inherit that request's context for its whole life, and everything it queues would join that
 * one request's trace.
 */
export function detachedFromTrace<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}
