import { Schema, type Connection } from 'mongoose';
import type { StoredProjectionDelta } from './entry.model.ts';

/**
 * The commit record of a group of entries appended together, `[from, to)` of one campaign's log. It is written
 * after the group's entries and before the log head moves, and holds everything needed to move it: the leaf
 * hashes (for the Merkle nodes) and the summed totals and projection changes. So whoever finds the head still at
 * `from` (the appender, a later append, or the announcer's sweep) finishes the group with the same writes.
 * Its `_id` is claimed once per start index, so two finishers always finish the same group.
 *
 * Once the head has moved, the record stands for the group's entry-appended messages not yet published; it is
 * deleted after they are. The collection therefore holds only groups in flight and stays small.
 */
export interface EntryGroupDocument {
  _id: string;
  campaignId: string;
  from: number;
  to: number;
  /** The entries' leaf hashes, 32 bytes each, in index order. */
  leafHashes: Buffer;
  increments: StoredProjectionDelta['inc'];
  labels: StoredProjectionDelta['set'];
  currency: string | null;
  /** When the group was committed: the `time` of its messages, and the seed of their ids. */
  time: Date;
  /**
   * Per entry, in index order, the trace context (W3C carrier) of the work that appended it, so its announcement
   * continues that trace even when the sweep publishes it after a restart. Absent when no entry had one.
   */
  traces?: Record<string, string>[];
  /**
   * The keys the group's entries are listed under (entry-ref.model.ts), as JSON text of `{key, entry}` pairs
   * (text costs the local database far less than nested documents). Absent on records written before the
   * links existed: they are then read from the entries themselves.
   */
  refs?: string;
}

const schema = new Schema<EntryGroupDocument>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    from: { type: Number, required: true },
    to: { type: Number, required: true },
    leafHashes: { type: Buffer, required: true },
    increments: { type: Schema.Types.Mixed, default: [] },
    labels: { type: Schema.Types.Mixed, default: [] },
    currency: { type: String, default: null },
    time: { type: Date, required: true },
    traces: { type: [Schema.Types.Mixed], default: undefined },
    refs: { type: String },
  },
  { versionKey: false },
);
// No secondary index: the sweep reads the whole (small) collection, and everything else reads by `_id`.

export function entryGroupModel(db: Connection) {
  return db.model<EntryGroupDocument>('EntryGroup', schema, 'entry_groups');
}

/** One record per start index of a campaign's log. */
export function entryGroupId(campaignId: string, from: number): string {
  return `${campaignId}:${from.toString().padStart(12, '0')}`;
}
