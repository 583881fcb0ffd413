import type { CampaignSnapshot } from '@aid/contracts';
import { Schema, type Connection } from 'mongoose';

/** The latest known public description of a campaign (highest revision wins). */
export interface CampaignInfoDocument {
  _id: string;
  revision: number;
  snapshot: CampaignSnapshot;
}

const schema = new Schema<CampaignInfoDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    snapshot: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false },
);
// Serves the public campaign list: published campaigns, newest first.
schema.index({ 'snapshot.status': 1, 'snapshot.publishedAt': -1 });

export function campaignInfoModel(db: Connection) {
  return db.model<CampaignInfoDocument>('CampaignInfo', schema, 'campaigns');
}
