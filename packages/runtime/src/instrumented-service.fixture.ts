/**
 * A service started the way the platform starts one (`node --import @aid/telemetry/register`), for
 * instrumentation.int.test.ts: one route reads MongoDB, calls another server with fetch and publishes to Kafka,
 * and every span the service ends is printed as a JSON line on stdout for the test to read.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureTopics } from '@aid/bus';
import { createHttpApp, defineRoute } from '@aid/http-kit';
import { currentTraceCarrier, withPublishSpans } from '@aid/telemetry';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { z } from 'zod';
import { baseServiceConfigSchema } from './service-config.ts';
import { startService } from './start-service.ts';

const { env, topic, dbName } = z
  .object({ env: z.record(z.string(), z.string()), topic: z.string(), dbName: z.string() })
  .parse(JSON.parse(process.argv[2] ?? '{}'));
const config = baseServiceConfigSchema.parse(env);

const printed: SpanProcessor = {
  onStart: () => undefined,
  onEnd(span: ReadableSpan) {
    process.stdout.write(
      `${JSON.stringify({
        name: span.name,
        kind: span.kind,
        service: span.resource.attributes['service.name'],
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
      })}\n`,
    );
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

// The downstream server answers with the trace context it received, as the next service would continue it.
const downstream = createServer((request, response) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ traceparent: request.headers.traceparent ?? null }));
});
await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}/next`;

const service = await startService({
  name: 'instrumented',
  config,
  dbName,
  spanProcessors: [printed],
  build: async (deps) => {
    await ensureTopics(deps.kafka, [topic], 1);
    return {
      app: createHttpApp({
        serviceName: 'instrumented',
        description: 'A service under instrumentation',
        logger: deps.logger,
        statusByCode: {},
        readiness: () => deps.ready(),
        routes: [
          defineRoute<undefined, { id: string }>({
            method: 'get',
            path: '/v1/donations/:id',
            summary: 'Reads a donation',
            tag: 'Donations',
            params: z.object({ id: z.string() }),
            responses: { 200: { description: 'Read' } },
            handle: async ({ params }) => {
              await deps.db.collection('donations').findOne({ _id: params.id as never });
              const next = (await (await fetch(downstreamUrl)).json()) as { traceparent: string | null };
              await withPublishSpans(
                deps.tracer,
                [{ topic, key: params.id, value: '{}', headers: currentTraceCarrier() }],
                (messages) => deps.publisher.publish(messages),
              );
              return { status: 200, body: next };
            },
          }),
        ],
      }),
      outboxSources: [],
    };
  },
});
process.stdout.write(`${JSON.stringify({ listening: service.url })}\n`);

process.once('SIGTERM', () => {
  downstream.close();
  void service.stop().then(() => process.exit(0));
});
