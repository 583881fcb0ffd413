import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * The disbursements of one campaign in the order they were requested, keyed by the campaign's id: the local
 * database uses no index outside `_id`, so a campaign's list is read as one document rather than queried.
 */
export interface CampaignDisbursementsDocument {
  _id: string;
  entries: { id: string; requestedAt: Date }[];
}

const schema = new mongoose.Schema<CampaignDisbursementsDocument>(
  {
    _id: { type: String, required: true },
    entries: { type: [{ _id: false, id: String, requestedAt: Date }], default: [] },
  },
  { versionKey: false, collection: 'campaign_disbursements' },
);

export function campaignDisbursementsModel(connection: Connection): Model<CampaignDisbursementsDocument> {
  return connection.model<CampaignDisbursementsDocument>('CampaignDisbursements', schema);
}
