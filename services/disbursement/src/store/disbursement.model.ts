import { outboxFields, withOutboxIndex } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
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
  evidence: { name: string; sha256: string }[];
  reportedBy: string;
  reportedAt: Date;
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
  payout?: { reference: string; paidAt: Date; paidBy: string } | undefined;
  deliveries: Delivery[];
  allocations: { donationId: string; amount: number }[];
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
    payout: { type: { _id: false, reference: String, paidAt: Date, paidBy: String }, default: undefined },
    deliveries: {
      type: [
        {
          _id: false,
          id: String,
          deliveredAt: Date,
          beneficiaries: Number,
          description: String,
          location: { _id: false, country: String, area: String },
          evidence: [{ _id: false, name: String, sha256: String }],
          reportedBy: String,
          reportedAt: Date,
        },
      ],
      default: [],
    },
    allocations: { type: [{ _id: false, donationId: String, amount: Number }], default: [] },
    ...outboxFields,
  },
  { versionKey: false, collection: 'disbursements' },
);
withOutboxIndex(schema);

export function disbursementModel(connection: Connection): Model<DisbursementDocument> {
  return connection.model<DisbursementDocument>('Disbursement', schema);
}
