import mongoose, { type Connection, type Model } from 'mongoose';
import type { UpdatePhotoType } from '../domain/update-photo.ts';

/**
 * An update's photo bytes, in their own collection keyed by the update's id: campaign pages read updates often
 * and photos rarely, so megabytes never ride along with the update documents.
 */
export interface UpdatePhotoDocument {
  _id: string;
  contentType: UpdatePhotoType;
  sha256: string;
  bytes: Buffer;
}

const updatePhotoSchema = new mongoose.Schema<UpdatePhotoDocument>(
  {
    _id: { type: String, required: true },
    contentType: { type: String, required: true },
    sha256: { type: String, required: true },
    bytes: { type: Buffer, required: true },
  },
  { versionKey: false },
);

export function updatePhotoModel(connection: Connection): Model<UpdatePhotoDocument> {
  return connection.model<UpdatePhotoDocument>(
    'CampaignUpdatePhoto',
    updatePhotoSchema,
    'campaign_update_photos',
  );
}
