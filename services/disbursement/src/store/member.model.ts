import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * Members projected from campaign events: only the hash of their current API key, never the key. `keyRevision`
 * is 1 for the key given at `member-added` and grows with each rotation, so late or repeated events never bring
 * an old key back; a revoked member keeps a tombstone (no usable key hash) so a replayed `member-added` cannot revive it.
 */
export interface MemberDocument {
  _id: string;
  organizationId: string;
  role: 'admin' | 'approver' | 'field-officer';
  /** A revoked member's is `revoked:<memberId>`: unique, and no bearer key hashes to it (real ones are hex). */
  apiKeyHash: string;
  keyRevision: number;
  revokedAt?: Date | undefined;
  /** Sessions the member started before this no longer work (they signed out everywhere). */
  sessionsEndedAt?: Date | undefined;
}

const schema = new mongoose.Schema<MemberDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    role: { type: String, required: true },
    apiKeyHash: { type: String, required: true },
    keyRevision: { type: Number, required: true, default: 1 },
    revokedAt: { type: Date, required: false },
    sessionsEndedAt: { type: Date, required: false },
  },
  { versionKey: false, collection: 'members' },
);

// Serves authentication: every request looks its caller up by the hash of the bearer key.
schema.index({ apiKeyHash: 1 }, { unique: true });

export function memberModel(connection: Connection): Model<MemberDocument> {
  return connection.model<MemberDocument>('Member', schema);
}
