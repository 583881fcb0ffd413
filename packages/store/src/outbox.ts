import { topicSchemas, type EventOf, type TopicName } from '@aid/contracts';
import { currentTraceCarrier } from '@aid/telemetry';
import type { Model, Query, Schema } from 'mongoose';

/** A message waiting in its aggregate's document to be published. */
export interface OutboxMessage {
  id: string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string>;
}

/**
 * Each message is stored as one JSON string: removal by exact value (`$pullAll`) works on every
 * MongoDB-compatible store (FerretDB cannot `$pull` by condition), keys with dots or `$` are never a problem,
 * and the bytes published are exactly the bytes decided.
 */
export const outboxFields = {
  outbox: { type: [String], default: (): string[] => [] },
  // Set whenever a message is added, cleared by the relay once the outbox is empty: the relay finds work by
  // this indexed field instead of scanning every document's array.
  outboxSince: { type: Date },
};

// Documents this process just queued messages in, per collection: the relay reads these by `_id` instead of
// querying for `outboxSince`, which on the local database reads the whole collection.
const hinted = new Map<string, Set<unknown>>();

/** What names a model's collection on its connection (a proxied model gives the same). */
interface CollectionOf {
  db: { id: number; name: string };
  collection: { collectionName: string };
}

function collectionKey(model: CollectionOf): string {
  return `${model.db.id}:${model.db.name}:${model.collection.collectionName}`;
}

// The relays to wake when a write of this process hints a document of their collection, by collection: an idle
// relay then publishes at once, whether or not the use case remembered to kick it, and can poll rarely.
const watchers = new Map<string, Set<() => void>>();

// A collection whose hints no relay of this process reads (or a relay far behind) must not grow memory without
// bound; what is dropped is still found by the sweep.
const maxHintsPerCollection = 100_000;

function hint(model: CollectionOf, id: unknown): void {
  // Only a filter naming one document (not `{ $in: … }` or another operator): the sweep finds the others.
  if (id === undefined || id === null) return;
  if (typeof id === 'object' && Object.keys(id).some((key) => key.startsWith('$'))) return;
  const key = collectionKey(model);
  const ids = hinted.get(key) ?? new Set<unknown>();
  if (ids.size >= maxHintsPerCollection) return;
  ids.add(id);
  hinted.set(key, ids);
  for (const wake of watchers.get(key) ?? []) wake();
}

const hintsWaiting = (model: CollectionOf): boolean => (hinted.get(collectionKey(model))?.size ?? 0) > 0;

function takeHints(model: CollectionOf, limit: number): unknown[] {
  const ids = hinted.get(collectionKey(model));
  if (!ids) return [];
  const taken: unknown[] = [];
  for (const id of ids) {
    if (taken.length === limit) break;
    taken.push(id);
    ids.delete(id);
  }
  return taken;
}

const queuesMessages = (update: unknown): boolean => {
  const push = (update as { $push?: Record<string, unknown> } | null)?.$push;
  return push !== undefined && 'outbox' in push;
};

/**
 * Adds the relay's index to an aggregate schema, and tells the relay of this process which documents a write
 * just queued messages in (after the write is acknowledged), so it publishes them by `_id`. A write that
 * bypasses the model (`model.collection`) or another instance's write is found by the relay's periodic sweep.
 */
export function withOutboxIndex(schema: Schema): void {
  // Serves the relay's sweep: documents with messages waiting, oldest first.
  schema.index({ outboxSince: 1 });
  schema.post('save', function (this: { _id: unknown; outbox?: string[]; constructor: unknown }) {
    if ((this.outbox?.length ?? 0) > 0) hint(this.constructor as CollectionOf, this._id);
  });
  schema.post(['updateOne', 'findOneAndUpdate'], function (this: Query<unknown, unknown>) {
    if (queuesMessages(this.getUpdate())) hint(this.model as CollectionOf, this.getFilter()._id);
  });
}

/** The update fragment that queues messages in the same single-document write as the state change. */
export function queueMessages(messages: OutboxMessage[]): {
  $push: { outbox: { $each: string[] } };
  $set: { outboxSince: Date };
} {
  return {
    $push: { outbox: { $each: messages.map((message) => JSON.stringify(message)) } },
    $set: { outboxSince: new Date() },
  };
}

export interface OutboxSource {
  name: string;
  // Any aggregate collection: the relay touches only the outbox fields every such schema shares.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: Model<any>;
}

export interface PendingBatch {
  source: OutboxSource;
  documentId: unknown;
  stored: string[];
  messages: OutboxMessage[];
}

function pendingBatch(source: OutboxSource, doc: { _id: unknown; outbox?: string[] }): PendingBatch {
  const stored = doc.outbox ?? [];
  return {
    source,
    documentId: doc._id,
    stored,
    messages: stored.map((text) => JSON.parse(text) as OutboxMessage),
  };
}

/** Documents with queued messages, oldest first: the sweep, a query on `outboxSince`. */
export async function findPending(source: OutboxSource, limit: number): Promise<PendingBatch[]> {
  const docs = await source.model
    .find({ outboxSince: { $lte: new Date(Date.now() + 60_000) } }, { outbox: 1 })
    .sort({ outboxSince: 1 })
    .limit(limit)
    .lean<{ _id: unknown; outbox?: string[] }[]>();
  return docs.map((doc) => pendingBatch(source, doc));
}

/** The documents this process hinted (see withOutboxIndex) that still hold messages, read by `_id`. */
export async function findHinted(source: OutboxSource, limit: number): Promise<PendingBatch[]> {
  const ids = takeHints(source.model, limit);
  if (ids.length === 0) return [];
  const docs = await source.model
    .find({ _id: { $in: ids } }, { outbox: 1 })
    .lean<{ _id: unknown; outbox?: string[] }[]>();
  return docs.filter((doc) => (doc.outbox?.length ?? 0) > 0).map((doc) => pendingBatch(source, doc));
}

/**
 * Removes published messages. Usually nothing was queued since the relay read the outbox: one write, guarded by
 * the outbox being exactly what was published, empties it and clears the marker. Otherwise the published
 * messages are pulled and the marker is cleared only if the outbox is empty at that instant, so a concurrent
 * writer's new message can never be forgotten.
 */
export async function clearPublished(batch: PendingBatch): Promise<void> {
  const { model } = batch.source;
  if (batch.stored.length > 0) {
    const whole = await model.updateOne(
      { _id: batch.documentId, outbox: batch.stored },
      { $set: { outbox: [] }, $unset: { outboxSince: 1 } },
    );
    if (whole.matchedCount === 1) return;
    await model.updateOne({ _id: batch.documentId }, { $pullAll: { outbox: batch.stored } });
  }
  await model.updateOne({ _id: batch.documentId, outbox: { $size: 0 } }, { $unset: { outboxSince: 1 } });
}

/**
 * Turns a decided event into an outbox message: validated against its topic's schema before it is stored (so a
 * bad event fails the use case, not a consumer), keyed by its subject, carrying the current trace context.
 */
export function outboxMessage<T extends TopicName>(topic: T, event: EventOf<T>): OutboxMessage {
  const valid = topicSchemas[topic].parse(event) as EventOf<T>;
  return {
    id: valid.id,
    topic,
    key: valid.subject,
    payload: JSON.stringify(valid),
    headers: { ...currentTraceCarrier(), ce_type: valid.type, ce_id: valid.id },
  };
}

/**
 * The relay's view of every aggregate collection with an outbox: the documents this process hinted, by `_id`,
 * and every `sweepMs` (and at the first call) a sweep by `outboxSince` for what no hint named: messages left by a
 * crash, another instance's, or queued by a write that bypassed the model. The sweep is the one read that grows
 * with the collection, so it runs rarely instead of at every tick.
 */
export function mongoOutboxStore(
  sources: OutboxSource[],
  options: { sweepMs?: number; now?: () => number } = {},
) {
  const sweepMs = options.sweepMs ?? 30_000;
  const now = options.now ?? Date.now;
  let lastSweep = Number.NEGATIVE_INFINITY;
  // A sweep that found a full page of some source goes on at the next call instead of waiting `sweepMs`.
  let sweepUnfinished = false;
  return {
    async pending(limit: number, sweep = false): Promise<PendingBatch[]> {
      const sweeping = sweep || sweepUnfinished || now() - lastSweep >= sweepMs;
      if (sweeping) lastSweep = now();
      const found = await Promise.all(
        sources.map((source) => (sweeping ? findPending(source, limit) : findHinted(source, limit))),
      );
      sweepUnfinished = sweeping && found.some((batches) => batches.length >= limit);
      return found.flat();
    },
    /** Calls `wake` after every hint of one of these collections, until the returned function is called. */
    watch(wake: () => void): () => void {
      const keys = sources.map((source) => collectionKey(source.model));
      for (const key of keys) watchers.set(key, (watchers.get(key) ?? new Set()).add(wake));
      return () => {
        for (const key of keys) watchers.get(key)?.delete(wake);
      };
    },
    /** Whether another call would find more right away (hints not read yet, or a sweep not finished). */
    more: (): boolean => sweepUnfinished || sources.some((source) => hintsWaiting(source.model)),
    clear: clearPublished,
    async backlog(): Promise<number> {
      const counts = await Promise.all(
        sources.map((source) => source.model.countDocuments({ outboxSince: { $exists: true } })),
      );
      return counts.reduce((sum, count) => sum + count, 0);
    },
  };
}
