import { topicSchemas, type EventOf, type TopicName } from '@aid/contracts';
import { currentTraceCarrier } from '@aid/telemetry';
import type { Schema} from 'mongoose';
import { type Model } from 'mongoose';

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

/** Adds the relay's index to an aggregate schema. */
export function withOutboxIndex(schema: Schema): void {
  // Serves the relay's query: documents with messages waiting, oldest first.
  schema.index({ outboxSince: 1 });
}

/** The update fragment that queues messages in the same single-document write as the state change. */
export function queueMessages(messages: OutboxMessage[]): { $push: { outbox: { $each: string[] } }; $set: { outboxSince: Date } } {
  return { $push: { outbox: { $each: messages.map((message) => JSON.stringify(message)) } }, $set: { outboxSince: new Date() } };
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

/** Documents with queued messages, oldest first. */
export async function findPending(source: OutboxSource, limit: number): Promise<PendingBatch[]> {
  const docs = await source.model
    .find({ outboxSince: { $lte: new Date(Date.now() + 60_000) } }, { outbox: 1 })
    .sort({ outboxSince: 1 })
    .limit(limit)
    .lean<{ _id: unknown; outbox?: string[] }[]>();
  return docs.map((doc) => {
    const stored = doc.outbox ?? [];
    return { source, documentId: doc._id, stored, messages: stored.map((text) => JSON.parse(text) as OutboxMessage) };
  });
}

/**
 * Removes published messages. Messages queued meanwhile stay; the marker is cleared only when the outbox is
 * empty at that instant, so a concurrent writer's new message can never be forgotten.
 */
export async function clearPublished(batch: PendingBatch): Promise<void> {
  const { model } = batch.source;
  if (batch.stored.length > 0) await model.updateOne({ _id: batch.documentId }, { $pullAll: { outbox: batch.stored } });
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
    headers: { ...currentTraceCarrier(), 'ce_type': valid.type, 'ce_id': valid.id },
  };
}

/** The relay's view of every aggregate collection with an outbox. */
export function mongoOutboxStore(sources: OutboxSource[]) {
  return {
    async pending(limit: number): Promise<PendingBatch[]> {
      const batches = await Promise.all(sources.map((source) => findPending(source, limit)));
      return batches.flat();
    },
    clear: clearPublished,
    async backlog(): Promise<number> {
      const counts = await Promise.all(sources.map((source) => source.model.countDocuments({ outboxSince: { $exists: true } })));
      return counts.reduce((sum, count) => sum + count, 0);
    },
  };
}
