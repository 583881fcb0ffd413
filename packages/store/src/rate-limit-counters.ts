import type { Connection } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.ts';

/** A counter's value after a change, and when its window ends. */
export interface CounterHit {
  hits: number;
  resetAt: Date;
}

/**
 * Fixed-window request counters shared by every instance of a service through its own database, for rate limits.
 * Each counter is one document whose `_id` is limiter + key + window start (FerretDB answers only `_id` lookups
 * from an index), changed by one atomic `$inc` upsert. A new window is a new document, so a stale one is never
 * read again; documents live in one collection per hour of their window's end (`rate_limits_<yyyymmddhh>`, UTC),
 * which is dropped once that hour is over: one cheap drop instead of a TTL index, which FerretDB ignores.
 *
 * Increments of the same counter that arrive while its previous write is on its way are summed into the next
 * write (one `$inc: n`), and each caller gets its own place in the sum: a busy shared counter (one campaign's
 * donations) costs one write per database round trip, not one per request. Distinct counters (one per address)
 * are not batched into one `update` command of many upserts: on the project's FerretDB build such a command on
 * existing documents hung and held the server's write lock (then one lock for every write) until its database was
 * dropped; not tried again since writes lock per document.
 */
export interface RateLimitCounters {
  increment(limiter: string, key: string, windowMs: number): Promise<CounterHit>;
  decrement(limiter: string, key: string, windowMs: number): Promise<void>;
  get(limiter: string, key: string, windowMs: number): Promise<CounterHit>;
  reset(limiter: string, key: string, windowMs: number): Promise<void>;
  /** Drops the collections of hours that are over; runs every minute on its own. */
  dropExpired(): Promise<void>;
  stop(): void;
}

interface CounterDocument {
  _id: string;
  hits: number;
  resetAt: Date;
}

interface Waiter {
  delta: number;
  resolve(hits: number): void;
  reject(error: unknown): void;
}

interface Pending {
  collection: string;
  resetAt: Date;
  waiters: Waiter[];
}

export const rateLimitCollectionPrefix = 'rate_limits_';

function collectionOf(resetAt: Date): string {
  return `${rateLimitCollectionPrefix}${resetAt.toISOString().slice(0, 13).replace(/[-T]/g, '')}`;
}

export function createRateLimitCounters(
  connection: Connection,
  options: { now?: () => number; cleanupMs?: number } = {},
): RateLimitCounters {
  const now = options.now ?? Date.now;
  const db = () => {
    if (!connection.db) throw new Error('database not connected');
    return connection.db;
  };
  const pending = new Map<string, Pending>();
  const inFlight = new Set<string>();

  function counterOf(limiter: string, key: string, windowMs: number) {
    const start = Math.floor(now() / windowMs) * windowMs;
    const resetAt = new Date(start + windowMs);
    return { id: `${limiter}|${key}|${start}`, resetAt, collection: collectionOf(resetAt) };
  }

  async function addOnce(collection: string, id: string, delta: number, resetAt: Date): Promise<number> {
    const update = () =>
      db()
        .collection<CounterDocument>(collection)
        .findOneAndUpdate(
          { _id: id },
          { $inc: { hits: delta }, $setOnInsert: { resetAt } },
          { upsert: true, returnDocument: 'after' },
        );
    // Two instances creating the same counter at once: one insert wins, the other's retry is a plain update.
    const doc = await update().catch((error: unknown) => {
      if (isDuplicateKey(error)) return update();
      throw error;
    });
    return doc?.hits ?? delta;
  }

  function send(id: string): void {
    const batch = pending.get(id);
    if (!batch || inFlight.has(id)) return;
    pending.delete(id);
    inFlight.add(id);
    const total = batch.waiters.reduce((sum, waiter) => sum + waiter.delta, 0);
    addOnce(batch.collection, id, total, batch.resetAt)
      .then(
        (hits) => {
          let running = hits - total;
          for (const waiter of batch.waiters) {
            running += waiter.delta;
            waiter.resolve(running);
          }
        },
        (error: unknown) => batch.waiters.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => {
        inFlight.delete(id);
        send(id);
      });
  }

  function add(limiter: string, key: string, windowMs: number, delta: number): Promise<CounterHit> {
    const { id, resetAt, collection } = counterOf(limiter, key, windowMs);
    let batch = pending.get(id);
    if (!batch) {
      batch = { collection, resetAt, waiters: [] };
      pending.set(id, batch);
    }
    const joined = batch;
    return new Promise<number>((resolve, reject) => {
      joined.waiters.push({ delta, resolve, reject });
      // Deferred to the end of this tick, so requests parsed in the same tick share one write.
      if (!inFlight.has(id)) setImmediate(() => send(id));
    }).then((hits) => ({ hits, resetAt }));
  }

  async function dropExpired(): Promise<void> {
    const current = collectionOf(new Date(now()));
    const collections = await db().listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of collections) {
      if (name.startsWith(rateLimitCollectionPrefix) && name < current)
        await db()
          .dropCollection(name)
          .catch(() => undefined);
    }
  }

  const timer = setInterval(() => void dropExpired().catch(() => undefined), options.cleanupMs ?? 60_000);
  timer.unref();

  return {
    increment: (limiter, key, windowMs) => add(limiter, key, windowMs, 1),
    async decrement(limiter, key, windowMs) {
      await add(limiter, key, windowMs, -1);
    },
    async get(limiter, key, windowMs) {
      const { id, resetAt, collection } = counterOf(limiter, key, windowMs);
      const doc = await db().collection<CounterDocument>(collection).findOne({ _id: id });
      return { hits: doc?.hits ?? 0, resetAt };
    },
    async reset(limiter, key, windowMs) {
      const { id, collection } = counterOf(limiter, key, windowMs);
      await db().collection<CounterDocument>(collection).deleteOne({ _id: id });
    },
    dropExpired,
    stop: () => clearInterval(timer),
  };
}
