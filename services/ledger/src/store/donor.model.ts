import { Schema, type Connection } from 'mongoose';

/**
 * A donor of a campaign, known only by their public reference: which gift first named them (so counting donors
 * is exactly once whoever retries) and the countries of that first gift (so all their gifts fall in one group).
 */
export interface DonorDocument {
  _id: string;
  firstEventId: string;
  residence: string | null;
  heritage: string | null;
}

const schema = new Schema<DonorDocument>(
  {
    _id: { type: String, required: true },
    firstEventId: { type: String, required: true },
    residence: { type: String, default: null },
    heritage: { type: String, default: null },
  },
  { versionKey: false },
);

export function donorModel(db: Connection) {
  return db.model<DonorDocument>('Donor', schema, 'donors');
}

export function donorId(campaignId: string, publicRef: string): string {
  return `${campaignId}:${publicRef}`;
}
