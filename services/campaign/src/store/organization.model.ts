import { auditTrailField, outboxFields, withOutboxIndex, type StoredAuditEntry } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import type { AuditAction } from '../domain/audit.ts';

export interface MemberDocument {
  id: string;
  name: string;
  email: string | null;
  role: string;
  apiKeyHash: string;
  /** Absent on members stored before key rotation existed: revision 1. */
  keyRevision?: number;
  createdAt: Date;
  revokedAt?: Date | null;
  sessionsEndedAt?: Date | null;
}

/** Members live inside their organization: adding one and queueing its event is one atomic document write. */
export interface OrganizationDocument {
  _id: string;
  name: string;
  country: string;
  kind: string;
  createdAt: Date;
  members: MemberDocument[];
  /**
   * Counts the changes of `members`; a rewrite of the array is guarded by the count it read. Absent on
   * organizations whose members have not changed since it was introduced.
   */
  membersRevision?: number;
  /**
   * Absent on organizations stored before verification existed: the platform administrator registered those
   * directly, so they read as verified when created. Null: not verified.
   */
  verification?: { status: 'verified'; verifiedAt: Date; applicationId: string | null } | null;
  /** Absent on organizations stored before the rule existed: two. */
  approvalsAboveThreshold?: number;
  registrationNumber?: string | null;
  website?: string | null;
  /** The organization's own actions (registration, members, keys); campaigns carry theirs. */
  audit: StoredAuditEntry<AuditAction>[];
  outbox: string[];
  outboxSince?: Date;
}

const memberSchema = new mongoose.Schema<MemberDocument>(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, default: null },
    role: { type: String, required: true },
    apiKeyHash: { type: String, required: true },
    keyRevision: { type: Number, default: 1 },
    createdAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    sessionsEndedAt: { type: Date, default: null },
  },
  { _id: false },
);

const organizationSchema = new mongoose.Schema<OrganizationDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    country: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt: { type: Date, required: true },
    members: { type: [memberSchema], default: [] },
    membersRevision: { type: Number, required: false },
    // No default: an absent field (older documents) and null (not verified) mean different things.
    verification: { type: mongoose.Schema.Types.Mixed, required: false },
    approvalsAboveThreshold: { type: Number, required: false },
    registrationNumber: { type: String, required: false },
    website: { type: String, required: false },
    audit: auditTrailField,
    ...outboxFields,
  },
  { versionKey: false },
);

// Authentication finds a key's organization through the `_id`-keyed links (api_key_links), not this field.
withOutboxIndex(organizationSchema);

export function organizationModel(connection: Connection): Model<OrganizationDocument> {
  return connection.model<OrganizationDocument>('Organization', organizationSchema, 'organizations');
}
