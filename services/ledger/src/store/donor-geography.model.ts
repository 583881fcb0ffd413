import { Schema, type Connection } from 'mongoose';
import type { GeographyRelease } from '../domain/donor-geography.ts';

/**
 * The latest donor geography released for a campaign (`_id` the campaign id), kept beside the log rather than
 * on it: aggregates over many donors, replaced by each newer release. The ledger holds no per-donor geography.
 * (Ledgers from before kept one `donors` document per public reference with that gift's countries; that
 * collection is no longer read or written and can be dropped.)
 */
export type DonorGeographyDocument = GeographyRelease & { _id: string };

const schema = new Schema<DonorGeographyDocument>(
  {
    _id: { type: String, required: true },
    release: { type: Number, required: true },
    minimumGroup: { type: Number, required: true },
    residence: { type: Schema.Types.Mixed, required: true },
    heritage: { type: Schema.Types.Mixed, required: true },
    releasedAt: { type: String, required: true },
  },
  { versionKey: false },
);
// Read and written by _id only.

export function donorGeographyModel(db: Connection) {
  return db.model<DonorGeographyDocument>('DonorGeography', schema, 'donor_geography');
}
