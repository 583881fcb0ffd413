import type { Connection } from 'mongoose';

/**
 * Signed Stripe events refused because they could not be read, kept for the operator (`_id` = Stripe's event id;
 * only ever written by `_id`). Stripe redelivers a refused event for up to three days: each delivery counts on
 * the same document instead of adding one.
 */
interface RejectedWebhookDocument {
  _id: string;
  type: string;
  reason: string;
  /** The signed body as received (capped), to see what the sender actually sent. */
  body: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deliveries: number;
}

const maxKeptBody = 64 * 1024;

export function createRejectedWebhooks(connection: Connection) {
  const collection = () => {
    if (!connection.db) throw new Error('database not connected');
    return connection.db.collection<RejectedWebhookDocument>('stripe_rejected_events');
  };
  return {
    async record(event: { id: string; type: string; reason: string; body: string }, at: Date): Promise<void> {
      await collection().updateOne(
        { _id: event.id },
        {
          $set: { type: event.type, reason: event.reason, lastSeenAt: at },
          $setOnInsert: { body: event.body.slice(0, maxKeptBody), firstSeenAt: at },
          $inc: { deliveries: 1 },
        },
        { upsert: true },
      );
    },
    async find(id: string): Promise<Omit<RejectedWebhookDocument, '_id'> | null> {
      return collection().findOne({ _id: id }, { projection: { _id: 0 } });
    },
  };
}

export type RejectedWebhooks = ReturnType<typeof createRejectedWebhooks>;
