import { createLogger, startTelemetry } from '@aid/telemetry';
import { afterAll, describe, expect, it } from 'vitest';
import { startOutboxRelay, type RelayBatch, type RelayStore } from './outbox-relay.ts';
import type { OutgoingMessage, Publisher } from './publisher.ts';

const message = (id: string, headers: Record<string, string> = {}) => ({
  id,
  topic: 'donation.events.v1',
  key: 'c1',
  payload: `{"id":"${id}"}`,
  headers,
});

type SpanProcessor = NonNullable<Parameters<typeof startTelemetry>[0]['spanProcessors']>[number];
type FinishedSpan = Parameters<SpanProcessor['onEnd']>[0];
const finished: FinishedSpan[] = [];
const collector: SpanProcessor = {
  onStart: () => undefined,
  onEnd: (span) => finished.push(span),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const telemetry = startTelemetry({ serviceName: 'relay-test', spanProcessors: [collector] });
const { tracer } = telemetry;
afterAll(() => telemetry.shutdown());

/** An in-memory outbox: documents with queued messages, cleared only by the relay. */
function memoryStore(
  documents: Map<string, ReturnType<typeof message>[]>,
  options: { failClear?: () => boolean } = {},
): RelayStore<RelayBatch & { id: string }> {
  return {
    async pending(limit) {
      return [...documents]
        .filter(([, queued]) => queued.length > 0)
        .slice(0, limit)
        .map(([id, queued]) => ({ id, messages: [...queued] }));
    },
    async clear(batch) {
      if (options.failClear?.()) throw new Error('database went away');
      const remaining = (documents.get(batch.id) ?? []).filter(
        (queued) => !batch.messages.some((done) => done.id === queued.id),
      );
      documents.set(batch.id, remaining);
    },
    async backlog() {
      return [...documents.values()].filter((queued) => queued.length > 0).length;
    },
  };
}

function recordingPublisher(options: { failures?: number } = {}): Publisher & { sent: OutgoingMessage[] } {
  let failures = options.failures ?? 0;
  const sent: OutgoingMessage[] = [];
  return {
    sent,
    async publish(messages) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('broker unavailable');
      }
      sent.push(...messages);
    },
    async disconnect() {},
  };
}

const logger = createLogger('relay-test', 'silent');
const until = async (check: () => boolean) => {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('outbox relay', () => {
  it('when a message is published, then it is sent under a producer span in the trace it was queued in, and leaves with that span as its parent', async () => {
    const queuedIn = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    const documents = new Map([
      [
        'd1',
        [
          message('traced', {
            traceparent: `00-${queuedIn.traceId}-${queuedIn.spanId}-01`,
            ce_type: 'succeeded',
          }),
        ],
      ],
    ]);
    const publisher = recordingPublisher();
    const relay = startOutboxRelay({
      store: memoryStore(documents),
      publisher,
      logger,
      tracer,
      intervalMs: 10,
    });
    await until(() => documents.get('d1')?.length === 0);
    await relay.stop();
    const send = finished.find((span) => span.attributes['messaging.message.id'] === 'traced');
    expect(send?.name).toBe('send donation.events.v1');
    expect(send?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'donation.events.v1',
    });
    expect(send?.spanContext().traceId).toBe(queuedIn.traceId);
    expect(send?.parentSpanContext?.spanId).toBe(queuedIn.spanId);
    expect(publisher.sent.map((sent) => sent.headers)).toEqual([
      { traceparent: `00-${queuedIn.traceId}-${send?.spanContext().spanId}-01`, ce_type: 'succeeded' },
    ]);
  });

  it('when messages are queued, then they are published in their document order and then cleared', async () => {
    const documents = new Map([['d1', [message('a'), message('b'), message('c')]]]);
    const publisher = recordingPublisher();
    const relay = startOutboxRelay({
      store: memoryStore(documents),
      publisher,
      logger,
      tracer,
      intervalMs: 10,
    });
    await until(() => documents.get('d1')?.length === 0);
    await relay.stop();
    expect(publisher.sent.map((sent) => JSON.parse(sent.value).id)).toEqual(['a', 'b', 'c']);
  });

  it('when the broker fails, then nothing is cleared and everything is published once it is back', async () => {
    const documents = new Map([['d1', [message('a')]]]);
    const publisher = recordingPublisher({ failures: 2 });
    const relay = startOutboxRelay({
      store: memoryStore(documents),
      publisher,
      logger,
      tracer,
      intervalMs: 5,
    });
    await until(() => documents.get('d1')?.length === 0);
    await relay.stop();
    expect(publisher.sent.map((sent) => JSON.parse(sent.value).id)).toEqual(['a']);
  });

  it('when clearing fails after publishing, then the message is published again (at least once, never lost)', async () => {
    const documents = new Map([['d1', [message('a')]]]);
    let clearFailures = 1;
    const publisher = recordingPublisher();
    const store = memoryStore(documents, { failClear: () => clearFailures-- > 0 });
    const relay = startOutboxRelay({ store, publisher, logger, tracer, intervalMs: 5 });
    await until(() => documents.get('d1')?.length === 0);
    await relay.stop();
    expect(publisher.sent.map((sent) => JSON.parse(sent.value).id)).toEqual(['a', 'a']);
  });

  it('when the store tells of messages just queued, then an idle relay publishes them at once instead of at its next poll', async () => {
    const documents = new Map<string, ReturnType<typeof message>[]>();
    const watchers = new Set<() => void>();
    const store = {
      ...memoryStore(documents),
      watch(wake: () => void) {
        watchers.add(wake);
        return () => watchers.delete(wake);
      },
    };
    const publisher = recordingPublisher();
    const relay = startOutboxRelay({ store, publisher, logger, tracer, intervalMs: 60_000 });
    // The first pass, at start, finds nothing; the relay then sleeps a minute.
    await new Promise((resolve) => setTimeout(resolve, 20));
    documents.set('d1', [message('fresh')]);
    for (const wake of watchers) wake();
    await until(() => publisher.sent.length === 1);
    await relay.stop();
    expect(watchers.size).toBe(0);
    expect(publisher.sent.map((sent) => JSON.parse(sent.value).id)).toEqual(['fresh']);
  });

  it('when stopped, then whatever was queued meanwhile is flushed first', async () => {
    const documents = new Map<string, ReturnType<typeof message>[]>();
    const publisher = recordingPublisher();
    const relay = startOutboxRelay({
      store: memoryStore(documents),
      publisher,
      logger,
      tracer,
      intervalMs: 60_000,
    });
    documents.set('d2', [message('late')]);
    await relay.stop();
    expect(publisher.sent.map((sent) => JSON.parse(sent.value).id)).toEqual(['late']);
    expect(await relay.backlog()).toBe(0);
  });
});
