import mongoose, { type Connection, type Model } from 'mongoose';

/** A lease on one campaign's money: whoever inserted the document holds it until it is deleted or expires. */
export interface CampaignLockDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

const schema = new mongoose.Schema<CampaignLockDocument>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'campaign_locks' },
);

export function campaignLockModel(connection: Connection): Model<CampaignLockDocument> {
  return connection.model<CampaignLockDocument>('CampaignLock', schema);
}
