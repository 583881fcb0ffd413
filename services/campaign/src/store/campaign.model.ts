import { auditTrailField, outboxFields, withOutboxIndex, type StoredAuditEntry } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import type { AuditAction } from '../domain/audit.ts';

export interface CampaignDocument {
  _id: string;
  organizationId: string;
  organizationName: string;
  title: string;
  summary: string;
  goal: { amount: number; currency: string };
  crisis: { kind: string; countries: string[]; glide?: string };
  status: string;
  revision: number;
  createdAt: Date;
  publishedAt: Date | null;
  closedAt: Date | null;
  approvalThreshold?: number | null;
  /** Absent on campaigns stored before verification existed. */
  organizationVerifiedAt?: Date | null;
  audit: StoredAuditEntry<AuditAction>[];
  outbox: string[];
  outboxSince?: Date;
}

const campaignSchema = new mongoose.Schema<CampaignDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    organizationName: { type: String, required: true },
    title: { type: String, required: true },
    summary: { type: String, required: true },
    goal: {
      amount: { type: Number, required: true },
      currency: { type: String, required: true },
    },
    crisis: {
      kind: { type: String, required: true },
      countries: { type: [String], required: true },
      glide: { type: String, required: false },
    },
    status: { type: String, required: true },
    revision: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    publishedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    approvalThreshold: { type: Number, default: null },
    organizationVerifiedAt: { type: Date, default: null },
    audit: auditTrailField,
    ...outboxFields,
  },
  { versionKey: false },
);

// The public listing and an organization's campaigns are found through `_id`-keyed sets (campaign_links).
withOutboxIndex(campaignSchema);

export function campaignModel(connection: Connection): Model<CampaignDocument> {
  return connection.model<CampaignDocument>('Campaign', campaignSchema, 'campaigns');
}
