import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, createRateLimitCounters, rateLimitCollectionPrefix } from './index.ts';

describe('rate limit counters against the real database', () => {
  const name = uniqueName('limits');
  let first: Connection;
  let second: Connection;

  beforeAll(async () => {
    // Two connections, as two instances of a service have.
    first = await connectDatabase(testEndpoints().mongoUrl, name);
    second = await connectDatabase(testEndpoints().mongoUrl, name);
  });
  afterAll(async () => {
    await first?.dropDatabase();
    await Promise.all([first?.close(), second?.close()]);
  });

  it('when two instances count one key at once, then every request gets its own place and none is lost', async () => {
    const a = createRateLimitCounters(first);
    const b = createRateLimitCounters(second);
    const hits = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? a : b).increment('donations', 'campaign-1', 60_000),
      ),
    );
    expect(hits.map((hit) => hit.hits).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    expect((await a.get('donations', 'campaign-1', 60_000)).hits).toBe(60);
    expect((await b.get('donations', 'campaign-2', 60_000)).hits).toBe(0);
    a.stop();
    b.stop();
  });

  it('when the window ends, then the count starts again in a new document, and past hours are dropped', async () => {
    let clock = Date.UTC(2026, 0, 1, 10, 59, 30);
    const counters = createRateLimitCounters(first, { now: () => clock });
    expect(await counters.increment('sign-in', 'ada', 20_000)).toEqual({
      hits: 1,
      resetAt: new Date(Date.UTC(2026, 0, 1, 10, 59, 40)),
    });
    expect((await counters.increment('sign-in', 'ada', 20_000)).hits).toBe(2);
    clock += 15_000;
    expect(await counters.increment('sign-in', 'ada', 20_000)).toEqual({
      hits: 1,
      resetAt: new Date(Date.UTC(2026, 0, 1, 11, 0, 0)),
    });
    await counters.decrement('sign-in', 'ada', 20_000);
    expect((await counters.get('sign-in', 'ada', 20_000)).hits).toBe(0);

    const names = async () =>
      (await first.db!.listCollections({}, { nameOnly: true }).toArray())
        .map((c) => c.name)
        .filter((n) => n.startsWith(rateLimitCollectionPrefix))
        .sort();
    expect(await names()).toEqual([
      `${rateLimitCollectionPrefix}2026010110`,
      `${rateLimitCollectionPrefix}2026010111`,
      ...(await names()).slice(2),
    ]);
    clock = Date.UTC(2026, 0, 1, 11, 0, 1);
    await counters.dropExpired();
    // The first test's collection (this hour, in the fake clock's future) stays.
    expect((await names()).filter((n) => n < `${rateLimitCollectionPrefix}2026120000`)).toEqual([
      `${rateLimitCollectionPrefix}2026010111`,
    ]);
    counters.stop();
  });
});
