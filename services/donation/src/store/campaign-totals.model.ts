import { applyOnceFields } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * The service's own money figures for one campaign, in minor units of its currency, moved by the webhook
 * batches that decide them, each Stripe event's move counted once (an operation per event, `applyOnce`), whichever
 * instance applies it and however often. The same decisions produce the published events, so these figures and
 * the event stream agree. `through` is the last journal batch an earlier version counted (see legacy-journal.ts).
 */
export interface CampaignTotalsDocument {
  _id: string;
  currency: string;
  gifts: number;
  raised: number;
  fees: number;
  /** Refunds plus lost disputes, as the ledger counts them. */
  refunded: number;
  /** Held by open disputes. */
  disputed: number;
  /** Refunds that failed at the bank after being counted, given back to the campaign. */
  refundsReversed: number;
  through: string;
  pendingOps: string[];
}

const campaignTotalsSchema = new mongoose.Schema<CampaignTotalsDocument>(
  {
    _id: { type: String, required: true },
    currency: { type: String, required: true },
    gifts: { type: Number, default: 0 },
    raised: { type: Number, default: 0 },
    fees: { type: Number, default: 0 },
    refunded: { type: Number, default: 0 },
    disputed: { type: Number, default: 0 },
    refundsReversed: { type: Number, default: 0 },
    through: { type: String, default: '' },
    ...applyOnceFields,
  },
  { versionKey: false },
);
// Only read and written by _id (the campaign id).

export function campaignTotalsModel(connection: Connection): Model<CampaignTotalsDocument> {
  return connection.model<CampaignTotalsDocument>('CampaignTotals', campaignTotalsSchema, 'campaign_totals');
}
