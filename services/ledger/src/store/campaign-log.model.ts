import { outboxFields, withOutboxIndex } from '@aid/store';
import { Schema, type Connection } from 'mongoose';
import type { PresentedCounters, StoredProjections } from '../domain/projections.ts';
import type { CampaignTotals } from '../domain/summary.ts';

/**
 * One per campaign: the log's size (next index), its running totals, the dashboard's projection counters, and
 * the entries' outbox. Totals and projections move in the same guarded write as the size, hence exactly once.
 */
export interface CampaignLogDocument extends CampaignTotals, StoredProjections {
  _id: string;
  size: number;
  currency: string | null;
  /** Gifts and refunds by the currency donors paid in, keyed by ISO 4217 code; absent until the first gift. */
  presented?: PresentedCounters;
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
    // Keyed by day or by hashed label (see domain/projections.ts); absent until the first movement.
    days: { type: Schema.Types.Mixed },
    sectors: { type: Schema.Types.Mixed },
    recipients: { type: Schema.Types.Mixed },
    presented: { type: Schema.Types.Mixed },
    // Logs from before donor geography became release-only may still hold `residence` and `heritage` counters
    // of gift entries' countries: they are no longer written nor read.
    ...outboxFields,
  },
  { versionKey: false },
);
// Serves the outbox relay, which reads this collection only while messages of older versions wait in it.
withOutboxIndex(schema);

export function campaignLogModel(db: Connection) {
  return db.model<CampaignLogDocument>('CampaignLog', schema, 'campaign_logs');
}
