import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * One `Idempotency-Key`; `_id` is a hash of the scoped key. `answer` is whatever the service stores (it may seal
 * it). Keys written before leases (the donation service's first shape) lack `token`, `leaseUntil`, `resourceId`
 * and `expiresAt`, and keep their answer in `responseSealed`; the store reads both shapes.
 */
export interface IdempotencyKeyDocument {
  _id: string;
  requestHash: string;
  state: 'started' | 'done';
  token?: string | null;
  leaseUntil?: Date;
  resourceId?: string | null;
  answer?: unknown;
  createdAt: Date;
  expiresAt?: Date | null;
  /** The first shape's answer. */
  responseSealed?: string | null;
}

const schema = new mongoose.Schema<IdempotencyKeyDocument>(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, enum: ['started', 'done'], required: true },
    token: { type: String, default: null },
    leaseUntil: { type: Date, required: true },
    resourceId: { type: String, default: null },
    answer: { type: mongoose.Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'idempotency_keys', minimize: false },
);
// Only looked up by _id; the unique _id is also what lets one of two racing requests claim the key. The TTL
// index on expiresAt is created by the store where the database supports it (FerretDB does not).

export function idempotencyKeyModel(connection: Connection): Model<IdempotencyKeyDocument> {
  return connection.model<IdempotencyKeyDocument>('IdempotencyKey', schema);
}
