import type { Logger } from '@aid/telemetry';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InboxEvent, StripeInbox } from '../store/stripe-inbox.store.ts';
import type { InboxOutcome } from '../use-cases/apply-stripe-events.ts';
import { startInboxProcessor } from './inbox-processor.ts';

const anEvent = (seq: number): InboxEvent => ({
  id: `evt_${seq}`,
  seq,
  type: 'payment_intent.succeeded',
  body: '{}',
  receivedAt: new Date(0),
  partition: 'stripe_inbox_0',
  trace: {},
});

/** An inbox that records what was settled, and an `apply` answering from a script per event. */
function harness(
  outcomeOf: (event: InboxEvent, call: number) => InboxOutcome['result'] | Error,
  applyMs = 0,
) {
  const settled: string[] = [];
  const batches: string[][] = [];
  const errors: unknown[] = [];
  const inbox = {
    settled: (events: InboxEvent[]) => {
      settled.push(...events.map((event) => event.id));
      return Promise.resolve();
    },
  } as unknown as StripeInbox;
  const logger = { error: (fields: unknown) => errors.push(fields) } as unknown as Logger;
  const processor = startInboxProcessor({
    inbox,
    logger,
    retryMs: 30_000,
    gatherMs: 20,
    apply: async (events) => {
      batches.push(events.map((event) => event.id));
      if (applyMs > 0) await new Promise((resolve) => setTimeout(resolve, applyMs));
      const outcomes = events.map((event): InboxOutcome => {
        const result = outcomeOf(event, batches.length);
        if (result instanceof Error) throw result;
        return result === 'waiting'
          ? { eventId: event.id, result, donationId: 'd-1' }
          : { eventId: event.id, result };
      });
      return { outcomes, changed: new Set<string>() };
    },
  });
  return { processor, settled, batches, errors };
}

describe('inbox processor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when events arrive together, then they are gathered into one batch, settled, and idle resolves', async () => {
    const { processor, settled, batches } = harness(() => 'done');
    processor.received(anEvent(1));
    processor.received(anEvent(2));
    await vi.advanceTimersByTimeAsync(10);
    processor.received(anEvent(3));
    await vi.advanceTimersByTimeAsync(10);
    await processor.idle();
    expect(batches).toEqual([['evt_1', 'evt_2', 'evt_3']]);
    expect(settled).toEqual(['evt_1', 'evt_2', 'evt_3']);
    expect(processor.applied()).toBe(3);
    expect(processor.backlog()).toBe(0);
    await processor.stop();
  });

  it('when events arrive while a batch is applied, then the next batch starts when it ends, without gathering again', async () => {
    const { processor, batches } = harness(() => 'done', 50);
    processor.received(anEvent(1));
    await vi.advanceTimersByTimeAsync(30);
    expect(batches).toEqual([['evt_1']]);
    processor.received(anEvent(2));
    processor.received(anEvent(3));
    // The first batch ends at 70 ms; events 2 and 3 have waited 40 ms by then, more than the 20 ms of gathering.
    await vi.advanceTimersByTimeAsync(41);
    expect(batches).toEqual([['evt_1'], ['evt_2', 'evt_3']]);
    await vi.advanceTimersByTimeAsync(100);

    // A first event after a quiet spell is gathered with those that follow it again.
    processor.received(anEvent(4));
    await vi.advanceTimersByTimeAsync(10);
    processor.received(anEvent(5));
    await vi.advanceTimersByTimeAsync(9);
    expect(batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([['evt_1'], ['evt_2', 'evt_3'], ['evt_4', 'evt_5']]);
    await vi.advanceTimersByTimeAsync(50);
    await processor.stop();
  });

  it('when an event waits for its payment, then it is tried again after the retry interval and not before', async () => {
    const { processor, batches, settled } = harness((_, call) => (call === 1 ? 'waiting' : 'done'));
    processor.received(anEvent(1));
    await vi.advanceTimersByTimeAsync(20);
    expect(batches).toHaveLength(1);
    expect(processor.backlog()).toBe(1);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(batches).toHaveLength(2);
    expect(settled).toEqual(['evt_1']);
    expect(processor.backlog()).toBe(0);
    await processor.stop();
  });

  it('when a batch fails, then the failure is logged and the same batch is tried again after a pause', async () => {
    const { processor, batches, settled, errors } = harness((_, call) =>
      call === 1 ? new Error('database down') : 'done',
    );
    processor.received(anEvent(1));
    await vi.advanceTimersByTimeAsync(20);
    expect(batches).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ failures: 1 })]);
    expect(processor.backlog()).toBe(1);
    processor.received(anEvent(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(batches).toEqual([['evt_1'], ['evt_1', 'evt_2']]);
    expect(settled).toEqual(['evt_1', 'evt_2']);
    await processor.stop();
  });
});
