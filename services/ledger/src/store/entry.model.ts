import { Schema, type Connection } from 'mongoose';
import type { ProjectionDelta } from '../domain/projections.ts';
import type { EntryRefs, SummaryDeltas } from '../domain/public-entry.ts';

/**
 * One public entry. Besides the hashed bytes it keeps what is needed to finish its group's append after a crash
 * that left no commit record (`deltas`, `projection`, `currency`), so whoever finds it unfinished can complete it.
 */
export interface EntryDocument {
  _id: string;
  campaignId: string;
  index: number;
  eventId: string;
  kind: string;
  leaf: Buffer;
  leafHash: string;
  refs: EntryRefs;
  deltas: SummaryDeltas;
  /**
   * The projection delta, as JSON text (its paths contain dots, which stored keys may not; and text costs
   * FerretDB a fraction of what nested lists cost on the hot insert). Entries appended one at a time before
   * groups hold it as lists; entries appended before projections existed have none.
   */
  projection?: string | StoredProjectionDelta;
  currency: string | null;
  /** Only on entries appended one at a time before groups: their outbox message. Groups announce from their record. */
  message?: string;
}

const schema = new Schema<EntryDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    index: { type: Number, required: true },
    eventId: { type: String, required: true },
    kind: { type: String, required: true },
    leaf: { type: Buffer, required: true },
    leafHash: { type: String, required: true },
    refs: {
      donationId: { type: String },
      disbursementId: { type: String },
      receiptHash: { type: String },
    },
    deltas: { type: Schema.Types.Mixed, default: {} },
    projection: { type: Schema.Types.Mixed },
    currency: { type: String, default: null },
    message: { type: String },
  },
  { versionKey: false },
);
// No index on (campaign, index): `_id` is that pair (entryId below), so a range of a log is read by its ids
// (entryIds), which every store answers from the `_id` index, and each append updates one index fewer.
// Serves exactly-once appends: an event is on a campaign's log at most once.
schema.index({ campaignId: 1, eventId: 1 }, { unique: true });
// No index on `refs`: the trace and the append path follow the `_id`-keyed links of entry-ref.model.ts.

export interface StoredProjectionDelta {
  inc: { path: string; value: number }[];
  set: { path: string; value: string | boolean }[];
}

export function projectionOf(stored: string | StoredProjectionDelta | undefined): ProjectionDelta {
  if (typeof stored === 'string') return JSON.parse(stored) as ProjectionDelta;
  return {
    inc: Object.fromEntries((stored?.inc ?? []).map(({ path, value }) => [path, value])),
    set: Object.fromEntries((stored?.set ?? []).map(({ path, value }) => [path, value])),
  };
}

export function entryModel(db: Connection) {
  return db.model<EntryDocument>('Entry', schema, 'entries');
}

/** Entry ids sort by index within a campaign. */
export function entryId(campaignId: string, index: number): string {
  return `${campaignId}:${index.toString().padStart(12, '0')}`;
}

/** Where an entry id points (see entryId): its campaign and index. */
export function entryPosition(id: string): { campaignId: string; index: number } {
  const at = id.lastIndexOf(':');
  return { campaignId: id.slice(0, at), index: Number(id.slice(at + 1)) };
}

/** The ids of a campaign's entries `[from, to)`, in index order. */
export function entryIds(campaignId: string, from: number, to: number): string[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, offset) => entryId(campaignId, from + offset));
}
