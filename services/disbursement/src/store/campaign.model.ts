import mongoose, { type Connection, type Model } from 'mongoose';

/** What this service needs to know of a campaign, projected from campaign events. */
export interface CampaignDocument {
  _id: string;
  organizationId: string;
  currency: string;
  status: 'draft' | 'active' | 'closed';
  revision: number;
  /** At or above it (minor units), a disbursement needs two different approvers; null = one is enough. */
  approvalThreshold?: number | null;
}

const schema = new mongoose.Schema<CampaignDocument>(
  {
    _id: { type: String, required: true },
    organizationId: { type: String, required: true },
    currency: { type: String, required: true },
    status: { type: String, required: true },
    revision: { type: Number, required: true },
    approvalThreshold: { type: Number, default: null },
  },
  { versionKey: false, collection: 'campaigns' },
);

export function campaignModel(connection: Connection): Model<CampaignDocument> {
  return connection.model<CampaignDocument>('Campaign', schema);
}
