import { auditTrailField, outboxFields, withOutboxIndex, type StoredAuditEntry } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import type { AuditAction } from '../domain/audit.ts';
import type { UpdatePhotoFacts } from '../domain/update-photo.ts';

/**
 * Updates are their own documents (each with its outbox) rather than an array in the campaign: they grow
 * without bound, and posting one must not contend with changes to the campaign's revision.
 */
export interface UpdateDocument {
  _id: string;
  campaignId: string;
  title: string;
  body: string;
  postedAt: Date;
  /** The photo's facts; its bytes are in campaign_update_photos under this update's id. */
  photo?: UpdatePhotoFacts;
  audit: StoredAuditEntry<AuditAction>[];
  outbox: string[];
  outboxSince?: Date;
}

const updateSchema = new mongoose.Schema<UpdateDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    postedAt: { type: Date, required: true },
    photo: { type: { _id: false, contentType: String, size: Number, sha256: String }, required: false },
    audit: auditTrailField,
    ...outboxFields,
  },
  { versionKey: false },
);

// A campaign's updates are found through an `_id`-keyed set of their ids (update_links).
withOutboxIndex(updateSchema);

export function updateModel(connection: Connection): Model<UpdateDocument> {
  return connection.model<UpdateDocument>('CampaignUpdate', updateSchema, 'campaign_updates');
}
