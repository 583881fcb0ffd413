import { Schema, type Connection } from 'mongoose';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The leaves of 256 consecutive entries of one campaign's log, `[b·256, b·256 + 256)`, in one document: the local
 * database's cost of a read is mostly per document, so a page of 100 entries read from their own documents cost
 * about 25 ms of its CPU, and the same leaves from one or two bundles 3–8 ms. A bundle is written once, when the
 * log's head first passes its last index, and never changes (an entry never does); entries past the last full
 * bundle are read from their own documents. Named after the entry bundles of transparency logs served as tiles.
 *
 * The newest entries are the ones most read (a campaign page shows the latest), so the bundle the head is inside
 * also gets partial bundles, every 32 entries: `<bundle>.<width>` holds its first `width` leaves, written when the
 * head first passes them and deleted once the full bundle is written. A read takes the widest partial below the
 * head it serves, so at most 31 entries are read from their own documents.
 *
 * `leaves` is the bundle's entries' exact bytes, each preceded by its length as a 4-byte big-endian number, in
 * index order, compressed with DEFLATE (RFC 1951): one binary field. The local database's cost also grows with a
 * document's bytes (about 9 ms of its CPU for 110 KB of leaves), and JSON entries that repeat their field names
 * and campaign id shrink to a fifth or less; inflating them back costs this process about 0.35 ms.
 */
export interface EntryBundleDocument {
  _id: string;
  leaves: Buffer;
}

export const bundleWidth = 256;
export const partialStep = 32;

const schema = new Schema<EntryBundleDocument>(
  { _id: { type: String, required: true }, leaves: { type: Buffer, required: true } },
  { versionKey: false },
);
// No secondary index: every read and write is by `_id`.

export function entryBundleModel(db: Connection) {
  return db.model<EntryBundleDocument>('EntryBundle', schema, 'entry_bundles');
}

/** Bundle ids sort by position within a campaign, like entry ids; a partial bundle's id adds its width. */
export function entryBundleId(campaignId: string, bundle: number, width = bundleWidth): string {
  const id = `${campaignId}:${bundle.toString().padStart(8, '0')}`;
  return width === bundleWidth ? id : `${id}.${width.toString().padStart(3, '0')}`;
}

/** The ids of a bundle's partial bundles, narrowest first. */
export function partialBundleIds(campaignId: string, bundle: number): string[] {
  return Array.from({ length: bundleWidth / partialStep - 1 }, (_, step) =>
    entryBundleId(campaignId, bundle, (step + 1) * partialStep),
  );
}

export function encodeBundle(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0 || leaves.length > bundleWidth)
    throw new Error(`a bundle holds 1 to ${bundleWidth} leaves, not ${leaves.length}`);
  const framed = Buffer.concat(
    leaves.flatMap((leaf) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(leaf.length);
      return [length, leaf];
    }),
  );
  return deflateRawSync(framed);
}

/** A stored bundle's leaves, in index order; throws on bytes that are not `count` whole leaves. */
export function decodeBundle(stored: Buffer, count = bundleWidth): Buffer[] {
  const bytes = inflateRawSync(stored);
  const leaves: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) break;
    const length = bytes.readUInt32BE(at);
    if (at + 4 + length > bytes.length) break;
    leaves.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== bytes.length || leaves.length !== count)
    throw new Error(`a stored bundle of ${bytes.length} bytes does not hold ${count} whole leaves`);
  return leaves;
}
