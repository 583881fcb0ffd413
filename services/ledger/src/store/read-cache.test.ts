import { describe, expect, it } from 'vitest';
import { createReadCache } from './read-cache.ts';

function counter() {
  let reads = 0;
  return { read: async () => (reads += 1), reads: () => reads };
}

describe('read cache', () => {
  it('when many readers ask at once, then the database is read once', async () => {
    const cache = createReadCache<number>({ ttlMs: 1_000 });
    const source = counter();
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get('c1', source.read)));
    expect(new Set(answers)).toEqual(new Set([1]));
    expect(source.reads()).toBe(1);
  });

  it('when the time to live has passed, then the next reader reads again (changes by other instances show within it)', async () => {
    let now = 0;
    const cache = createReadCache<number>({ ttlMs: 1_000, clock: () => now });
    const source = counter();
    expect(await cache.get('c1', source.read)).toBe(1);
    now = 999;
    expect(await cache.get('c1', source.read)).toBe(1);
    now = 1_000;
    expect(await cache.get('c1', source.read)).toBe(2);
  });

  it('when this process writes, then the key is forgotten and the next reader sees the write at once', async () => {
    const cache = createReadCache<number>({ ttlMs: 60_000 });
    const source = counter();
    await cache.get('c1', source.read);
    cache.forget('c1');
    expect(await cache.get('c1', source.read)).toBe(2);
  });

  it('when this process changes what every key depends on, then clear forgets them all', async () => {
    const cache = createReadCache<number>({ ttlMs: 60_000 });
    const source = counter();
    await cache.get('50', source.read);
    await cache.get('10', source.read);
    cache.clear();
    expect(await cache.get('50', source.read)).toBe(3);
    expect(await cache.get('10', source.read)).toBe(4);
  });

  it('when a read fails, then it is not kept', async () => {
    const cache = createReadCache<number>({ ttlMs: 60_000 });
    await expect(cache.get('c1', () => Promise.reject(new Error('database went away')))).rejects.toThrow(
      'database went away',
    );
    expect(await cache.get('c1', async () => 7)).toBe(7);
  });
});
