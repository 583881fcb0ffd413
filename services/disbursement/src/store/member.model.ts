import mongoose, { type Connection, type Model } from 'mongoose';

/** Members projected from `member-added`: only the hash of their API key, never the key. */
export interface MemberDocument {
  _id: string;
  organizationId: string;
  role: 'admin' | 'approver' | 'field-officer';
  apiKeyHash: string;
}

const schema = new mongoose.Schema<MemberDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    role: { type: String, required: true },
    apiKeyHash: { type: String, required: true },
  },
  { versionKey: false, collection: 'members' },
);

// Serves authentication: every request looks its caller up by the hash of the bearer key.
schema.index({ apiKeyHash: 1 }, { unique: true });

export function memberModel(connection: Connection): Model<MemberDocument> {
  return connection.model<MemberDocument>('Member', schema);
}
