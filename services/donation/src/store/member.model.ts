import { memberRoles, type MemberRole } from '@aid/contracts';
import mongoose, { type Connection, type Model } from 'mongoose';

/** Organization members as announced by the campaign service, for authenticating org admins; `_id` is the member id. */
export interface MemberDocument {
  _id: string;
  organizationId: string;
  role: MemberRole;
  apiKeyHash: string;
  /** 1 for the key given when the member was added, then one more per rotation: an older key never comes back. */
  keyRevision: number;
  /** Revoked members keep their document so a late `member-added` cannot bring them back. */
  revoked: boolean;
  /** Sessions the member started before this no longer work (they signed out everywhere). */
  sessionsEndedAt?: Date | undefined;
  updatedAt: Date;
}

const memberSchema = new mongoose.Schema<MemberDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    role: { type: String, enum: memberRoles, required: true },
    apiKeyHash: { type: String, required: true },
    keyRevision: { type: Number, default: 1 },
    revoked: { type: Boolean, default: false },
    sessionsEndedAt: { type: Date, required: false },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Serves authentication: find the member whose key hashes to the presented Bearer key's hash.
memberSchema.index({ apiKeyHash: 1 }, { unique: true });

export function memberModel(connection: Connection): Model<MemberDocument> {
  return connection.model<MemberDocument>('Member', memberSchema, 'members');
}
