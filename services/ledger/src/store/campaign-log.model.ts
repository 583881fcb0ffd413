import { outboxFields, withOutboxIndex } from '@aid/store';
import { Schema, type Connection } from 'mongoose';
import type { CampaignTotals } from '../domain/summary.ts';

/** One per campaign: the log's size (next index), its running totals, and the entries' outbox. */
export interface CampaignLogDocument extends CampaignTotals {
  _id: string;
  size: number;
  currency: string | null;
  outbox: string[];
  updatedAt: Date;
}

const schema = new Schema<CampaignLogDocument>(
  {
    _id: { type: String, required: true },
    size: { type: Number, required: true, default: 0 },
    currency: { type: String, default: null },
    raised: { type: Number, default: 0 },
    fees: { type: Number, default: 0 },
    refunded: { type: Number, default: 0 },
    allocated: { type: Number, default: 0 },
    paidOut: { type: Number, default: 0 },
    paidOutLocal: { type: Number, default: 0 },
    delivered: { type: Number, default: 0 },
    beneficiaries: { type: Number, default: 0 },
    gifts: { type: Number, default: 0 },
    updatedAt: { type: Date },
    ...outboxFields,
  },
  { versionKey: false },
);
withOutboxIndex(schema);

export function campaignLogModel(db: Connection) {
  return db.model<CampaignLogDocument>('CampaignLog', schema, 'campaign_logs');
}
