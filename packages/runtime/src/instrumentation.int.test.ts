import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually, testEndpoints, uniqueName } from '@aid/test-kit';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface PrintedSpan {
  name: string;
  kind: SpanKind;
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

/**
 * The instrumentations only patch modules loaded after them, so this runs a service as a process started the
 * way the platform starts one, `node --import @aid/telemetry/register`, and reads the spans it prints.
 */
describe('a service started with the OpenTelemetry instrumentations', () => {
  const spans: PrintedSpan[] = [];
  const topic = uniqueName('instrumented');
  let child: ChildProcess;
  let url = '';
  let answer: { traceparent: string | null };

  beforeAll(async () => {
    const endpoints = testEndpoints();
    const env = {
      PORT: '0',
      MONGO_URL: endpoints.mongoUrl,
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      LOG_LEVEL: 'warn',
    };
    child = spawn(
      process.execPath,
      [
        '--import',
        '@aid/telemetry/register',
        fileURLToPath(new URL('instrumented-service.fixture.ts', import.meta.url)),
        JSON.stringify({ env, topic, dbName: uniqueName('instrumented') }),
      ],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, OTEL_SERVICE_NAME: 'instrumented-by-env' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const printed = JSON.parse(line) as PrintedSpan | { listening: string };
      if ('listening' in printed) url = printed.listening;
      else if ('spanId' in printed) spans.push(printed);
    });
    await eventually(() => expect(url).not.toBe(''), { timeoutMs: 30_000, intervalMs: 100 });
    const response = await fetch(`${url}/v1/donations/d-42`);
    expect(response.status).toBe(200);
    answer = (await response.json()) as typeof answer;
    await eventually(() => expect(serverSpan()).toBeDefined(), { timeoutMs: 10_000, intervalMs: 50 });
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  const serverSpan = () =>
    spans.find(
      (span) => span.kind === SpanKind.SERVER && span.attributes['http.route'] === '/v1/donations/:id',
    );
  const inRequestTrace = () => spans.filter((span) => span.traceId === serverSpan()?.traceId);

  it('when a request is answered, then its SERVER span is named by the route template, not the raw path, under the service name OTEL_SERVICE_NAME gives', () => {
    expect(serverSpan()).toMatchObject({
      name: 'GET /v1/donations/:id',
      service: 'instrumented-by-env',
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'url.path': '/v1/donations/d-42',
      },
    });
    expect(serverSpan()?.parentSpanId).toBeUndefined();
  });

  it('when the request reads MongoDB, then the command is a CLIENT span in the request trace', () => {
    const find = inRequestTrace().find((span) => span.name === 'find donations');
    expect(find).toMatchObject({
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'mongodb', 'db.collection.name': 'donations' },
    });
    expect(find?.parentSpanId).toBe(serverSpan()?.spanId);
  });

  it('when the request calls another server with fetch, then the call is a CLIENT span and the server receives its trace context', () => {
    const call = inRequestTrace().find(
      (span) => span.kind === SpanKind.CLIENT && String(span.attributes['url.full']).endsWith('/next'),
    );
    expect(call).toMatchObject({ name: 'GET', attributes: { 'http.response.status_code': 200 } });
    expect(answer.traceparent).toBe(`00-${serverSpan()?.traceId}-${call?.spanId}-01`);
    // The downstream server of the same process continues the trace from that header.
    const downstream = inRequestTrace().find(
      (span) => span.kind === SpanKind.SERVER && span.attributes['url.path'] === '/next',
    );
    expect(downstream?.parentSpanId).toBe(call?.spanId);
  });

  it('when the request publishes an event, then the send is a PRODUCER span of the request trace', () => {
    expect(inRequestTrace().find((span) => span.name === `send ${topic}`)).toMatchObject({
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic },
    });
  });
});
