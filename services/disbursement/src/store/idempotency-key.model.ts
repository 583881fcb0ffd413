import mongoose, { type Connection, type Model } from 'mongoose';
import type { IdempotencyRecord, StoredAnswer } from '../domain/idempotency.ts';

/** One `Idempotency-Key` of one member; `_id` is a hash of the member and the key, so keys are not stored. */
export interface IdempotencyKeyDocument extends IdempotencyRecord {
  _id: string;
  createdAt: Date;
}

const answerSchema = new mongoose.Schema<StoredAnswer>(
  { status: { type: Number, required: true }, body: { type: String, required: true } },
  { _id: false },
);

const schema = new mongoose.Schema<IdempotencyKeyDocument>(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, enum: ['started', 'done'], required: true },
    token: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
    resourceId: { type: String, required: true },
    answer: { type: answerSchema, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'idempotency_keys' },
);
// Only looked up by _id; the unique _id is also what lets one of two racing requests claim the key. The TTL
// index on expiresAt is created by the store where the database supports it (FerretDB does not).

export function idempotencyKeyModel(connection: Connection): Model<IdempotencyKeyDocument> {
  return connection.model<IdempotencyKeyDocument>('IdempotencyKey', schema);
}
