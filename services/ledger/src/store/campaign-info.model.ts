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
// No secondary index: campaigns are read by `_id`; the public list is its own document (campaign-list.model.ts).

export function campaignInfoModel(db: Connection) {
  return db.model<CampaignInfoDocument>('CampaignInfo', schema, 'campaigns');
}
