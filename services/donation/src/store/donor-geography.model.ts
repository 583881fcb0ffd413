import { applyOnceFields, outboxFields, withOutboxIndex } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * A campaign's donor geography, private to this service: distinct consenting donors counted by country of
 * residence and of heritage, and what the last release covered. Each donor is counted once per campaign through
 * `applyOnce` keyed by their private donor key; a release is queued in this document's outbox in the same
 * write that records it. Per-gift countries never leave this service: only releases do.
 */
export interface DonorGeographyDocument {
  _id: string;
  donors?: number;
  /** Country code → donors; codes are two capital letters, safe as stored keys. */
  residence?: Record<string, number>;
  heritage?: Record<string, number>;
  releasedDonors?: number;
  release?: number;
  pendingOps: string[];
  outbox: string[];
  outboxSince?: Date;
}

const donorGeographySchema = new mongoose.Schema<DonorGeographyDocument>(
  {
    _id: { type: String, required: true },
    donors: { type: Number, default: 0 },
    residence: { type: mongoose.Schema.Types.Mixed, default: () => ({}) },
    heritage: { type: mongoose.Schema.Types.Mixed, default: () => ({}) },
    releasedDonors: { type: Number, default: 0 },
    release: { type: Number, default: 0 },
    ...applyOnceFields,
    ...outboxFields,
  },
  { versionKey: false, minimize: false },
);
// Read and written by _id (the campaign id); the relay's index below serves the outbox.
withOutboxIndex(donorGeographySchema);

export function donorGeographyModel(connection: Connection): Model<DonorGeographyDocument> {
  return connection.model<DonorGeographyDocument>('DonorGeography', donorGeographySchema, 'donor_geography');
}
