import { Schema, type Connection } from 'mongoose';

/**
 * The public campaign list as one document: every published (active or closed) campaign's id and when it was
 * published. The list page reads it by `_id` and then the campaigns it shows by `_id`; a filter and sort on the
 * campaigns' status read the whole collection on the local database. A campaign joins the list when it is
 * published and never leaves it (a campaign is never unpublished), and its publication time never changes, so
 * setting its field again changes nothing.
 */
export interface CampaignListDocument {
  _id: string;
  /** Publication time (ISO 8601, or '' when unknown) by campaign id; ids hold neither `.` nor `$`. */
  published: Record<string, string>;
}

const schema = new Schema<CampaignListDocument>(
  { _id: { type: String, required: true }, published: { type: Schema.Types.Mixed, default: {} } },
  { versionKey: false, minimize: false },
);
// No secondary index: one document, read by `_id`.

export function campaignListModel(db: Connection) {
  return db.model<CampaignListDocument>('CampaignList', schema, 'campaign_list');
}

export const publicListId = 'published';

/** Newest first, then by id, as the list page shows them. */
export function newestFirst(published: Record<string, string>, limit: number): string[] {
  return Object.entries(published)
    .sort(([idA, atA], [idB, atB]) => (atA === atB ? (idA < idB ? -1 : 1) : atA < atB ? 1 : -1))
    .slice(0, limit)
    .map(([id]) => id);
}
