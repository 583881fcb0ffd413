import { describe, expect, it } from 'vitest';
import { approximateSize, requestChunks } from './request-chunks.ts';

const message = (key: string, valueBytes: number) => ({
  key,
  value: 'x'.repeat(valueBytes),
  headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
});

describe('publish requests split by size', () => {
  it('when messages add up to more than the limit, then they are split in order into runs that each fit', () => {
    const messages = Array.from({ length: 3_000 }, (_, index) => message(`k${index}`, 1_000));
    const chunks = requestChunks(messages, 900_000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks)
      expect(chunk.reduce((sum, item) => sum + approximateSize(item), 0)).toBeLessThanOrEqual(900_000);
  });

  it('when messages fit within the limit, then they go in one request', () => {
    const messages = Array.from({ length: 10 }, (_, index) => message(`k${index}`, 100));
    expect(requestChunks(messages, 900_000)).toEqual([messages]);
  });

  it('when one message alone is larger than the limit, then it goes alone between the others, not dropped', () => {
    const messages = [message('a', 10), message('big', 2_000), message('b', 10)];
    expect(requestChunks(messages, 1_000)).toEqual([[messages[0]], [messages[1]], [messages[2]]]);
  });

  it('when there is nothing to send, then there is no request', () => {
    expect(requestChunks([], 900_000)).toEqual([]);
  });

  it('when a message has multi-byte text, then its size counts bytes, not characters', () => {
    expect(approximateSize({ key: 'é', value: '€€', headers: {} })).toBe(64 + 2 + 6);
  });
});
