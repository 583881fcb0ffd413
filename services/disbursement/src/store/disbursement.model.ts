import { auditTrailField, outboxFields, withOutboxIndex, type StoredAuditEntry } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import type { AuditAction } from '../domain/audit.ts';
import type { DisbursementStatus } from '../domain/disbursement.ts';

export interface Recipient {
  name: string;
  country: string;
  local: boolean;
}

export interface Approval {
  memberId: string;
  comment: string;
  at: Date;
}

export interface Delivery {
  id: string;
  deliveredAt: Date;
  beneficiaries: number;
  description: string;
  location: { country: string; area: string };
  evidence: { name: string; sha256: string; evidenceId?: string | undefined }[];
  reportedBy: string;
  reportedAt: Date;
}

export interface Payout {
  /** Absent on payouts recorded before Stripe Connect payouts existed (all manual). */
  method?: 'manual' | 'stripe-connect' | undefined;
  reference: string;
  destination?: string | undefined;
  paidAt: Date;
  paidBy: string;
}

export interface DisbursementDocument {
  _id: string;
  campaignId: string;
  organizationId: string;
  amount: number;
  currency: string;
  recipient: Recipient;
  purpose: string;
  sector: string;
  status: DisbursementStatus;
  requestedBy: string;
  requestedAt: Date;
  approvals: Approval[];
  rejection?: { memberId: string; comment: string; at: Date } | undefined;
  payout?: Payout | undefined;
  cancellation?: { memberId: string; comment: string; at: Date; from: 'requested' | 'approved' } | undefined;
  deliveries: Delivery[];
  allocations: { donationId: string; amount: number }[];
  audit: StoredAuditEntry<AuditAction>[];
  outbox: string[];
  outboxSince?: Date;
}

const schema = new mongoose.Schema<DisbursementDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    organizationId: { type: String, required: true },
    amount: { type: Number, required: true },
    currency: { type: String, required: true },
    recipient: { _id: false, name: String, country: String, local: Boolean },
    purpose: { type: String, required: true },
    sector: { type: String, required: true },
    status: { type: String, required: true },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    approvals: { type: [{ _id: false, memberId: String, comment: String, at: Date }], default: [] },
    rejection: { type: { _id: false, memberId: String, comment: String, at: Date }, default: undefined },
    payout: {
      type: {
        _id: false,
        method: String,
        reference: String,
        destination: String,
        paidAt: Date,
        paidBy: String,
      },
      default: undefined,
    },
    cancellation: {
      type: { _id: false, memberId: String, comment: String, at: Date, from: String },
      default: undefined,
    },
    deliveries: {
      type: [
        {
          _id: false,
          id: String,
          deliveredAt: Date,
          beneficiaries: Number,
          description: String,
          location: { _id: false, country: String, area: String },
          evidence: [{ _id: false, name: String, sha256: String, evidenceId: String }],
          reportedBy: String,
          reportedAt: Date,
        },
      ],
      default: [],
    },
    allocations: { type: [{ _id: false, donationId: String, amount: Number }], default: [] },
    audit: auditTrailField,
    ...outboxFields,
  },
  { versionKey: false, collection: 'disbursements' },
);
withOutboxIndex(schema);
// Serves the audit trail of a campaign: its disbursements, each carrying the entries of its own actions.
schema.index({ campaignId: 1 });

export function disbursementModel(connection: Connection): Model<DisbursementDocument> {
  return connection.model<DisbursementDocument>('Disbursement', schema);
}
