import mongoose, { type Connection, type Model } from 'mongoose';

/** One `Idempotency-Key` of `POST /v1/donations`; `_id` is the SHA-256 of the key, so keys are not stored. */
export interface IdempotencyKeyDocument {
  _id: string;
  requestHash: string;
  state: 'started' | 'done';
  donationId: string | null;
  /** The first answer (client secret and receipt code), encrypted like donor data, to replay it exactly. */
  responseSealed: string | null;
  createdAt: Date;
}

const idempotencyKeySchema = new mongoose.Schema<IdempotencyKeyDocument>(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, enum: ['started', 'done'], required: true },
    donationId: { type: String, default: null },
    responseSealed: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Only looked up by _id (the key's hash); the unique _id is also what lets one of two racing requests win.

export function idempotencyKeyModel(connection: Connection): Model<IdempotencyKeyDocument> {
  return connection.model<IdempotencyKeyDocument>('IdempotencyKey', idempotencyKeySchema, 'idempotency_keys');
}
