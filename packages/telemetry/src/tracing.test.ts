import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  currentTraceCarrier,
  detachedFromTrace,
  startTelemetry,
  withChildSpan,
  withPublishSpans,
  withSpanFrom,
  withSpanPerCarrier,
  type Telemetry,
} from './tracing.ts';

const donationSpans = new InMemorySpanExporter();
const ledgerSpans = new InMemorySpanExporter();
const donation: Telemetry = startTelemetry({
  serviceName: 'donation',
  spanProcessors: [new SimpleSpanProcessor(donationSpans)],
});
const ledger: Telemetry = startTelemetry({
  serviceName: 'ledger',
  spanProcessors: [new SimpleSpanProcessor(ledgerSpans)],
});

afterAll(async () => {
  await donation.shutdown();
  await ledger.shutdown();
});

beforeEach(() => {
  donationSpans.reset();
  ledgerSpans.reset();
});

const named = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const span = spans.find((candidate) => candidate.name === name);
  if (!span)
    throw new Error(`no span named ${name} among ${spans.map((candidate) => candidate.name).join(', ')}`);
  return span;
};
const traceparentOf = (span: ReadableSpan) =>
  `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

describe('tracing', () => {
  it('when two services start telemetry in one process, then each keeps its spans in its own processors under its own name', async () => {
    await withSpanFrom(donation.tracer, 'POST /v1/webhooks/stripe', {}, {}, () => Promise.resolve());
    await withSpanFrom(ledger.tracer, 'consume something', {}, {}, () => Promise.resolve());
    expect(
      donationSpans.getFinishedSpans().map((span) => [span.name, span.resource.attributes['service.name']]),
    ).toEqual([['POST /v1/webhooks/stripe', 'donation']]);
    expect(
      ledgerSpans.getFinishedSpans().map((span) => [span.name, span.resource.attributes['service.name']]),
    ).toEqual([['consume something', 'ledger']]);
  });

  it('when a consumer span starts from a carrier, then it continues the carrier trace as the child of its span', async () => {
    const carrier = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    await withSpanFrom(
      ledger.tracer,
      'consume',
      carrier,
      { 'messaging.system': 'kafka' },
      () => Promise.resolve(),
      SpanKind.CONSUMER,
    );
    const span = named(ledgerSpans.getFinishedSpans(), 'consume');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('when work runs in a child span, then the span is under the active one, and a failure marks it and is rethrown', async () => {
    await withSpanFrom(ledger.tracer, 'consume', {}, {}, () =>
      withChildSpan(ledger.tracer, 'ledger append', { 'ledger.campaign_id': 'c1' }, () => Promise.resolve(3)),
    );
    const [append, consume] = [
      named(ledgerSpans.getFinishedSpans(), 'ledger append'),
      named(ledgerSpans.getFinishedSpans(), 'consume'),
    ];
    expect(append.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
    expect(append.attributes['ledger.campaign_id']).toBe('c1');

    await expect(
      withChildSpan(ledger.tracer, 'failing', {}, () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    const failing = named(ledgerSpans.getFinishedSpans(), 'failing');
    expect(failing.status.code).toBe(SpanStatusCode.ERROR);
    expect(failing.events.map((event) => event.name)).toContain('exception');
  });

  it('when queued messages are published, then each gets a producer span under the context it was queued in, and leaves with that span as the parent of its consumer', async () => {
    interface Queued {
      id: string;
      topic: string;
      key: string;
      headers: Record<string, string>;
    }
    const queued = await withSpanFrom(
      donation.tracer,
      'POST /v1/webhooks/stripe',
      {},
      {},
      (): Promise<Queued> =>
        Promise.resolve({
          id: 'e1',
          topic: 'donations.v1',
          key: 'k',
          headers: { ...currentTraceCarrier(), ce_type: 'succeeded' },
        }),
    );
    const request = named(donationSpans.getFinishedSpans(), 'POST /v1/webhooks/stripe');
    expect(queued.headers.traceparent).toBe(traceparentOf(request));

    const sent: Queued[] = [];
    await withPublishSpans(donation.tracer, [queued], (messages) => {
      sent.push(...messages);
      return Promise.resolve();
    });
    const publish = named(donationSpans.getFinishedSpans(), 'send donations.v1');
    expect(publish.kind).toBe(SpanKind.PRODUCER);
    expect(publish.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.destination.name': 'donations.v1',
      'messaging.message.id': 'e1',
    });
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(publish.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(sent).toEqual([
      { ...queued, headers: { ...queued.headers, traceparent: traceparentOf(publish) } },
    ]);

    await withSpanFrom(ledger.tracer, 'consume succeeded', sent[0]?.headers ?? {}, {}, () =>
      Promise.resolve(),
    );
    expect(named(ledgerSpans.getFinishedSpans(), 'consume succeeded').parentSpanContext?.spanId).toBe(
      publish.spanContext().spanId,
    );
  });

  it('when publishing fails, then every publish span is marked failed and the error reaches the caller', async () => {
    const messages: { topic: string; headers: Record<string, string> }[] = [
      { topic: 'a.v1', headers: { ce_id: 'a1' } },
      { topic: 'b.v1', headers: {} },
    ];
    await expect(
      withPublishSpans(donation.tracer, messages, () => Promise.reject(new Error('broker down'))),
    ).rejects.toThrow('broker down');
    expect(donationSpans.getFinishedSpans().map((span) => [span.name, span.status.code])).toEqual([
      ['send a.v1', SpanStatusCode.ERROR],
      ['send b.v1', SpanStatusCode.ERROR],
    ]);
    expect(named(donationSpans.getFinishedSpans(), 'send a.v1').attributes['messaging.message.id']).toBe(
      'a1',
    );
    expect(
      named(donationSpans.getFinishedSpans(), 'send b.v1').attributes['messaging.message.id'],
    ).toBeUndefined();
  });

  it('when several messages are handled together, then each gets a consumer span in its own trace, and the work gets each span as a carrier', async () => {
    const first = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const second = { traceparent: '00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01' };
    const carriers = await withSpanFrom(ledger.tracer, 'unrelated', {}, {}, () =>
      withSpanPerCarrier(
        ledger.tracer,
        [
          { name: 'consume a', carrier: first, attributes: { 'messaging.system': 'kafka' } },
          { name: 'consume b', carrier: second, attributes: {} },
          { name: 'consume c', carrier: {}, attributes: {} },
        ],
        (given) => Promise.resolve(given),
      ),
    );
    const [a, b, c] = ['consume a', 'consume b', 'consume c'].map((name) =>
      named(ledgerSpans.getFinishedSpans(), name),
    );
    expect([a, b, c].map((span) => span?.kind)).toEqual([
      SpanKind.CONSUMER,
      SpanKind.CONSUMER,
      SpanKind.CONSUMER,
    ]);
    expect([a, b].map((span) => [span?.spanContext().traceId, span?.parentSpanContext?.spanId])).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
      ['1af7651916cd43dd8448eb211c80319c', 'c7ad6b7169203331'],
    ]);
    // A message without a carrier starts a trace of its own, whatever span was active around the batch.
    expect(c?.parentSpanContext).toBeUndefined();
    expect(carriers.map((carrier) => carrier.traceparent)).toEqual(
      [a, b, c].map((span) => traceparentOf(span as ReadableSpan)),
    );

    await expect(
      withSpanPerCarrier(ledger.tracer, [{ name: 'consume d', carrier: first, attributes: {} }], () =>
        Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    expect(named(ledgerSpans.getFinishedSpans(), 'consume d').status.code).toBe(SpanStatusCode.ERROR);
  });

  it("when a batch of messages is processed, then the work's own spans are children of a batch span linked to each message, or of the one message's span", async () => {
    const first = { traceparent: '00-2af7651916cd43dd8448eb211c80319c-d7ad6b7169203331-01' };
    const second = { traceparent: '00-3af7651916cd43dd8448eb211c80319c-e7ad6b7169203331-01' };
    const query = () => withChildSpan(ledger.tracer, 'mongodb.update', {}, () => Promise.resolve());
    await withSpanPerCarrier(
      ledger.tracer,
      [
        { name: 'consume x', carrier: first, attributes: {} },
        { name: 'consume y', carrier: second, attributes: {} },
      ],
      query,
      { name: 'process donations', attributes: { 'messaging.destination.name': 'donations' } },
    );
    const spans = ledgerSpans.getFinishedSpans();
    const [x, y, batch, update] = ['consume x', 'consume y', 'process donations', 'mongodb.update'].map(
      (name) => named(spans, name),
    ) as [ReadableSpan, ReadableSpan, ReadableSpan, ReadableSpan];
    expect(batch.kind).toBe(SpanKind.CONSUMER);
    expect(batch.attributes['messaging.batch.message_count']).toBe(2);
    expect(batch.links.map((link) => link.context.spanId)).toEqual([
      x.spanContext().spanId,
      y.spanContext().spanId,
    ]);
    expect(update.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);

    ledgerSpans.reset();
    await withSpanPerCarrier(ledger.tracer, [{ name: 'consume z', carrier: first, attributes: {} }], query);
    const alone = ledgerSpans.getFinishedSpans();
    expect(alone.map((span) => span.name).sort()).toEqual(['consume z', 'mongodb.update']);
    expect(named(alone, 'mongodb.update').spanContext().traceId).toBe('2af7651916cd43dd8448eb211c80319c');
    expect(named(alone, 'mongodb.update').parentSpanContext?.spanId).toBe(
      named(alone, 'consume z').spanContext().spanId,
    );
  });

  it('when a background loop is started from inside a request, then what it queues carries no trace of that request', async () => {
    let loop: Promise<Record<string, string>> | undefined;
    await withSpanFrom(donation.tracer, 'POST /v1/webhooks/stripe', {}, {}, async () => {
      expect(currentTraceCarrier().traceparent).toBeDefined();
      loop = detachedFromTrace(async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return currentTraceCarrier();
      });
    });
    expect(await loop).toEqual({});
  });
});
