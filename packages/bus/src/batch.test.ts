import { createLogger } from '@aid/telemetry';
import { describe, expect, it } from 'vitest';
import { processBatch, type BatchItem, type BatchSteps, type RawMessage } from './batch.ts';

const raw = (offset: number, value: string): RawMessage => ({
  offset: String(offset),
  key: Buffer.from('c1'),
  value: Buffer.from(value),
});

/** A partition's batch with a recorder of what happened, in order. */
function run(
  values: string[],
  overrides: Partial<BatchSteps<string>> & { failWhen?: (items: BatchItem<string>[]) => boolean } = {},
) {
  const log: string[] = [];
  const handled: string[][] = [];
  const steps: BatchSteps<string> = {
    topic: 'donation.events.v1',
    partition: 0,
    messages: values.map((value, index) => raw(index, value)),
    decode: (message) => {
      const text = message.value?.toString() ?? '';
      return text.startsWith('bad') ? { reason: `not valid: ${text}` } : { event: text };
    },
    handle: async (items) => {
      if (overrides.failWhen?.(items)) {
        log.push(`fail ${items.map((item) => item.event).join(',')}`);
        throw new Error(`cannot handle ${items.map((item) => item.event).join(',')}`);
      }
      handled.push(items.map((item) => item.event));
      log.push(`handle ${items.map((item) => item.event).join(',')}`);
    },
    deadLetter: async (message, context, reason) => {
      log.push(`dead ${context.offset} ${message.value?.toString() ?? ''}: ${reason}`);
    },
    resolveOffset: (offset) => log.push(`resolve ${offset}`),
    commit: async () => {
      log.push('commit');
    },
    heartbeat: async () => undefined,
    stillOwned: () => true,
    logger: createLogger('bus-test', 'silent'),
    maxAttempts: 3,
    groupAttempts: 2,
    maxGroupSize: 100,
    sleep: async () => undefined,
    ...overrides,
  };
  return { log, handled, done: processBatch(steps) };
}

describe('processBatch', () => {
  it('when every message is valid, then they are handled as one group and its last offset is resolved after it', async () => {
    const { log, done } = run(['a', 'b', 'c']);
    expect(await done).toBe(true);
    expect(log).toEqual(['handle a,b,c', 'resolve 2', 'commit']);
  });

  it('when a message is not valid, then it is dead-lettered in its place and the events around it are handled in order', async () => {
    const { log, done } = run(['a', 'bad-json', 'c', 'd']);
    expect(await done).toBe(true);
    expect(log).toEqual([
      'handle a',
      'resolve 0',
      'commit',
      'dead 1 bad-json: not valid: bad-json',
      'resolve 1',
      'handle c,d',
      'resolve 3',
      'commit',
    ]);
  });

  it('when the handler fails once, then the group is retried and its offset resolved only after the success', async () => {
    let failures = 1;
    const { log, done } = run(['a', 'b'], { failWhen: () => failures-- > 0 });
    expect(await done).toBe(true);
    expect(log).toEqual(['fail a,b', 'handle a,b', 'resolve 1', 'commit']);
  });

  it('when one event always fails, then the group is split, that event is dead-lettered with the reason and the others are handled', async () => {
    const { log, handled, done } = run(['a', 'poison', 'c'], {
      failWhen: (items) => items.some((item) => item.event === 'poison'),
    });
    expect(await done).toBe(true);
    expect(handled).toEqual([['a'], ['c']]);
    expect(log.filter((line) => line.startsWith('fail poison'))).toHaveLength(3);
    expect(log.filter((line) => line.startsWith('dead') || line.startsWith('resolve'))).toEqual([
      'resolve 0',
      'dead 1 poison: handler failed 3 times: cannot handle poison',
      'resolve 1',
      'resolve 2',
    ]);
    expect(log.at(-1)).toBe('commit');
  });

  it('when the batch is larger than the group size, then it is handled in groups of at most that size, in order', async () => {
    const { handled, done } = run(['a', 'b', 'c', 'd', 'e'], { maxGroupSize: 2 });
    expect(await done).toBe(true);
    expect(handled).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('when the partition is lost during a retry, then the group is left unresolved for its next owner', async () => {
    let owned = true;
    const { log, done } = run(['a', 'b'], {
      failWhen: () => {
        owned = false;
        return true;
      },
      stillOwned: () => owned,
    });
    expect(await done).toBe(false);
    expect(log.some((line) => line.startsWith('resolve') || line.startsWith('dead'))).toBe(false);
  });
});
