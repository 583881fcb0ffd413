import { Schema, type Connection } from 'mongoose';
import type { EntryRefs } from '../domain/public-entry.ts';

/**
 * Which entries a receipt code, a gift or a disbursement leads to, keyed by `_id` so that the trace and the
 * append path read them by id: the local database uses no index but `_id`, and a filter on the entries'
 * `refs` read the whole log of every campaign (6.4 s per trace at 14,000 entries). One document per key:
 *
 * - `r:<receipt hash>`: the gift entry of a receipt code (the first gift that carried it; later gifts of a
 *   monthly plan share the code and are not listed, as the trace shows the first);
 * - `d:<donation id>`: the entries that name a gift after it (refunds, reversals, disputes, allocations);
 * - `b:<disbursement id>`: a disbursement's own entries (approval, payout, deliveries, cancellation). Its
 *   allocations are listed under their gifts only: the trace reaches them from the gift, and a disbursement
 *   funded by thousands of gifts would otherwise grow one document without bound.
 *
 * A receipt key also names its gift's donation, and a gift key the disbursements its allocations funded, so a trace
 * reads the next links without reading the entries first. Links written before these fields have neither: a reader
 * then finds them in the entries.
 *
 * Written by the log appender before the head moves past the entries, with writes that are idempotent (an insert
 * whose duplicate is ignored, or `$addToSet`), so finishing a group twice lists nothing twice.
 */
export interface EntryRefDocument {
  _id: string;
  /** Entry ids (`<campaignId>:<index>`), in the order they were appended. */
  entries: string[];
  /** Receipt keys: the donation of the gift listed. */
  donationId?: string;
  /** Gift keys: the disbursements the gift's allocations funded. */
  disbursements?: string[];
}

const schema = new Schema<EntryRefDocument>(
  {
    _id: { type: String, required: true },
    entries: { type: [String], default: [] },
    donationId: { type: String },
    disbursements: { type: [String], default: undefined },
  },
  { versionKey: false },
);
// No secondary index: every read and write is by `_id`.

export function entryRefModel(db: Connection) {
  return db.model<EntryRefDocument>('EntryRef', schema, 'entry_refs');
}

export const receiptRefId = (receiptHash: string) => `r:${receiptHash}`;
export const donationRefId = (donationId: string) => `d:${donationId}`;
export const disbursementRefId = (disbursementId: string) => `b:${disbursementId}`;

/** A key and the entry it leads to, with what the key's document names besides (see above). */
export interface EntryRef {
  key: string;
  entry: string;
  donationId?: string;
  disbursementId?: string;
}

/** The links of an entry: the keys it is listed under (see above). */
export function refsOf(kind: string, refs: EntryRefs, entry: string): EntryRef[] {
  const links: EntryRef[] = [];
  if (kind === 'gift' && refs.receiptHash)
    links.push({
      key: receiptRefId(refs.receiptHash),
      entry,
      ...(refs.donationId ? { donationId: refs.donationId } : {}),
    });
  if (kind !== 'gift' && refs.donationId) {
    const funded =
      kind === 'allocation' && refs.disbursementId ? { disbursementId: refs.disbursementId } : {};
    links.push({ key: donationRefId(refs.donationId), entry, ...funded });
  }
  if (kind !== 'allocation' && refs.disbursementId)
    links.push({ key: disbursementRefId(refs.disbursementId), entry });
  return links;
}

/** Receipt keys keep their first entry; the others list every entry. */
export const firstEntryOnly = (key: string) => key.startsWith('r:');
