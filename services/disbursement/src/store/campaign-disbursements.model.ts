import mongoose, { type Connection, type Model } from 'mongoose';

/** An entry of a list kept in the first shape, before the list had pages. */
export interface LegacyListEntry {
  id: string;
  requestedAt: Date;
}

/**
 * The head of one campaign's list of disbursements, keyed by the campaign's id: the local database uses no index
 * outside `_id`, so the list is read by `_id` rather than queried. `lastPage` is the page the next disbursement
 * joins. `entries` is the first shape (every id in this one document, which the local database rewrote whole at
 * each request); the next request under the campaign's lock moves them into pages.
 */
export interface CampaignDisbursementsDocument {
  _id: string;
  lastPage?: number;
  entries?: LegacyListEntry[];
}

/** One page of a campaign's list (`_id` `<campaignId>:<page>`): disbursement ids in the order they were requested. */
export interface CampaignDisbursementsPageDocument {
  _id: string;
  ids: string[];
  /** How many times an id was added: at least the length of `ids`, enough to tell that the page is full. */
  added: number;
}

const headSchema = new mongoose.Schema<CampaignDisbursementsDocument>(
  {
    _id: { type: String, required: true },
    lastPage: { type: Number },
    // No default: a head in the new shape stores no entries at all.
    entries: { type: [{ _id: false, id: String, requestedAt: Date }], default: undefined },
  },
  { versionKey: false, collection: 'campaign_disbursements' },
);

const pageSchema = new mongoose.Schema<CampaignDisbursementsPageDocument>(
  {
    _id: { type: String, required: true },
    ids: { type: [String], default: [] },
    added: { type: Number, required: true },
  },
  { versionKey: false, collection: 'campaign_disbursement_pages' },
);

export function campaignDisbursementsModel(connection: Connection): Model<CampaignDisbursementsDocument> {
  return connection.model<CampaignDisbursementsDocument>('CampaignDisbursements', headSchema);
}

export function campaignDisbursementsPageModel(
  connection: Connection,
): Model<CampaignDisbursementsPageDocument> {
  return connection.model<CampaignDisbursementsPageDocument>('CampaignDisbursementsPage', pageSchema);
}
