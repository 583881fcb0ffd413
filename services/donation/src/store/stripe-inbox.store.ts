import { isDuplicateKey } from '@aid/store';
import type { Connection } from 'mongoose';
import {
  inboxCollectionOf,
  inboxCollectionParts,
  instanceTagOf,
  minuteOf,
  type InboxCollectionParts,
  type StripeInboxDocument,
} from './stripe-inbox.model.ts';

export interface InboxEvent {
  id: string;
  seq: number;
  type: string;
  body: string;
  receivedAt: Date;
  /** The inbox collection holding it. */
  partition: string;
  /** Trace context of the webhook request that delivered it (empty when none was recorded). */
  trace: Record<string, string>;
}

interface Waiter {
  event: Omit<InboxEvent, 'partition'>;
  resolve(stored: InboxEvent): void;
  reject(error: unknown): void;
}

/**
 * The durable inbox of Stripe events. Concurrent webhooks are group-committed: while one insertMany is on its
 * way to the database, newly arrived events wait and go together in the next one, so the database sees one
 * round trip per group instead of one per webhook (FerretDB takes ~60,000 documents/s in insertMany but
 * ~1,300 single inserts/s). Each caller is answered only after the write that holds its event.
 *
 * Each instance writes its own collections (named by `instanceId`, which must differ between instances that
 * run at the same time and stay the same across one instance's restarts: host and port by default), so the
 * counts that decide when a collection is dropped are complete in one process. At start-up an instance takes up
 * its own collections left by its previous run, and every `orphans()` call takes up other instances' collections
 * older than `orphanAfterMs`: those of an instance that stopped for good (scaled down, renamed). An instance that
 * is only slow keeps its events too, so both may apply them; applying is idempotent per Stripe event, and each
 * drops the collection once it has applied everything it read from it.
 */
export function createStripeInbox(
  connection: Connection,
  options: { instanceId: string; orphanAfterMs?: number; maxGroup?: number; now?: () => Date },
) {
  const maxGroup = options.maxGroup ?? 1_000;
  const now = options.now ?? (() => new Date());
  const orphanAfterMs = options.orphanAfterMs ?? 5 * 60_000;
  const tag = instanceTagOf(options.instanceId);
  const db = () => {
    if (!connection.db) throw new Error('database not connected');
    return connection.db;
  };
  let waiting: Waiter[] = [];
  let flushing: string | null = null;
  let lastSeq = 0;
  /** Events handed out and not settled yet, per collection: a collection is dropped at zero. */
  const outstanding = new Map<string, number>();

  const nextSeq = () => {
    lastSeq = Math.max(lastSeq + 1, Date.now() * 1_000);
    return lastSeq;
  };

  async function insertGroup(partition: string, group: Waiter[]): Promise<void> {
    // Two copies of one event in the same group share the first copy's fate.
    const unique = new Map<string, Waiter['event']>();
    for (const waiter of group) if (!unique.has(waiter.event.id)) unique.set(waiter.event.id, waiter.event);
    const docs: StripeInboxDocument[] = [...unique.values()].map((event) => ({
      _id: event.id,
      seq: event.seq,
      type: event.type,
      body: event.body,
      receivedAt: event.receivedAt,
      trace: event.trace,
    }));
    try {
      await db().collection<StripeInboxDocument>(partition).insertMany(docs, { ordered: false });
    } catch (error) {
      // A copy delivered earlier and still waiting: already durable, which is all the edge promises.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  function flush(): void {
    if (flushing || waiting.length === 0) return;
    const partition = inboxCollectionOf(now(), tag);
    flushing = partition;
    const group = waiting.slice(0, maxGroup);
    waiting = waiting.slice(group.length);
    insertGroup(partition, group)
      .then(
        () => {
          outstanding.set(partition, (outstanding.get(partition) ?? 0) + group.length);
          group.forEach((waiter) => waiter.resolve({ ...waiter.event, partition }));
        },
        (error: unknown) => group.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => {
        flushing = null;
        flush();
      });
  }

  async function dropDrained(): Promise<void> {
    const currentMinute = minuteOf(now());
    for (const [partition, count] of outstanding) {
      // This instance's current minute may still receive events, and so may a group being written.
      if (count > 0 || partition === flushing) continue;
      const parts = inboxCollectionParts(partition);
      if (parts?.owner === tag && parts.minute >= currentMinute) continue;
      outstanding.delete(partition);
      await db()
        .dropCollection(partition)
        .catch(() => undefined);
    }
  }

  /** Reads whole collections into events, counted as outstanding here, in arrival order. */
  async function takeUp(names: string[]): Promise<InboxEvent[]> {
    const events: InboxEvent[] = [];
    for (const name of names) {
      const docs = await db().collection<StripeInboxDocument>(name).find().toArray();
      for (const doc of docs)
        events.push({
          id: doc._id,
          seq: doc.seq,
          type: doc.type,
          body: doc.body,
          receivedAt: doc.receivedAt,
          partition: name,
          trace: doc.trace ?? {},
        });
      outstanding.set(name, (outstanding.get(name) ?? 0) + docs.length);
    }
    events.sort((a, b) => a.seq - b.seq);
    lastSeq = Math.max(lastSeq, events.at(-1)?.seq ?? 0);
    return events;
  }

  /** Inbox collections matching `wanted`, by their minute and writer, leaving those this instance already holds. */
  async function collectionsWhere(wanted: (parts: InboxCollectionParts) => boolean): Promise<string[]> {
    const collections = await db().listCollections({}, { nameOnly: true }).toArray();
    return collections
      .map(({ name }) => name)
      .filter((name) => {
        const parts = inboxCollectionParts(name);
        return parts !== null && !outstanding.has(name) && wanted(parts);
      });
  }

  /** Collections of other instances (or from before names carried one) older than `orphanAfterMs`. */
  const orphaned = (parts: InboxCollectionParts) =>
    parts.owner !== tag && parts.minute < minuteOf(new Date(now().getTime() - orphanAfterMs));

  return {
    /** Resolves once the event is durably in the inbox (or a copy of it already was). */
    receive(event: {
      id: string;
      type: string;
      body: string;
      trace: Record<string, string>;
    }): Promise<InboxEvent> {
      return new Promise((resolve, reject) => {
        waiting.push({ event: { ...event, seq: nextSeq(), receivedAt: now() }, resolve, reject });
        // Deferred to the end of this tick, so requests parsed in the same tick share one write.
        setImmediate(flush);
      });
    },

    /**
     * At start-up: the events this instance's previous run left, and those of collections written before names
     * carried an instance, and other instances' orphaned ones, in arrival order (applied ones repeat harmlessly).
     */
    async pending(): Promise<InboxEvent[]> {
      return takeUp(
        await collectionsWhere((parts) => parts.owner === tag || parts.owner === null || orphaned(parts)),
      );
    },

    /** Later: other instances' collections that have grown old unapplied (their instance stopped for good). */
    async orphans(): Promise<InboxEvent[]> {
      return takeUp(await collectionsWhere(orphaned));
    },

    /** Events applied (or found to change nothing): their minute's collection goes once all its events are. */
    async settled(events: InboxEvent[]): Promise<void> {
      for (const event of events)
        outstanding.set(event.partition, (outstanding.get(event.partition) ?? 1) - 1);
      await dropDrained();
    },
  };
}

export type StripeInbox = ReturnType<typeof createStripeInbox>;
