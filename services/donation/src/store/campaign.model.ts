import mongoose, { type Connection, type Model } from 'mongoose';
import { campaignStatuses, type CampaignStatus } from '@aid/contracts';

/** The campaign service's campaigns as far as donations need them; `_id` is the campaign id. */
export interface CampaignDocument {
  _id: string;
  organizationId: string;
  status: CampaignStatus;
  currency: string;
  revision: number;
  updatedAt: Date;
}

const campaignSchema = new mongoose.Schema<CampaignDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    status: { type: String, enum: campaignStatuses, required: true },
    currency: { type: String, required: true },
    revision: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Only looked up by _id (the campaign id), which is always indexed.

export function campaignModel(connection: Connection): Model<CampaignDocument> {
  return connection.model<CampaignDocument>('Campaign', campaignSchema, 'campaigns');
}
