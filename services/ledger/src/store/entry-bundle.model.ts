import { Schema, type Connection } from 'mongoose';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The leaves of 256 consecutive entries of one campaign's log, `[b·256, b·256 + 256)`, in one document: the local
 * database's cost of a read is mostly per document, so a page of 100 entries read from their own documents cost
 * about 25 ms of its CPU, and the same leaves from one or two bundles 3–8 ms. A bundle is written once, when the
 * log's head first passes its last index, and never changes (an entry never does); entries past the last full
 * bundle are read from their own documents. Named after the entry bundles of transparency logs served as tiles.
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

const schema = new Schema<EntryBundleDocument>({ _id: { type: String, required: true }, leaves: { type: Buffer, required: true } }, { versionKey: false });
// No secondary index: every read and write is by `_id`.

export function entryBundleModel(db: Connection) {
  return db.model<EntryBundleDocument>('EntryBundle', schema, 'entry_bundles');
}

/** Bundle ids sort by position within a campaign, like entry ids. */
export function entryBundleId(campaignId: string, bundle: number): string {
  return `${campaignId}:${bundle.toString().padStart(8, '0')}`;
}

export function encodeBundle(leaves: readonly Buffer[]): Buffer {
  if (leaves.length !== bundleWidth) throw new Error(`a bundle holds ${bundleWidth} leaves, not ${leaves.length}`);
  const framed = Buffer.concat(
    leaves.flatMap((leaf) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(leaf.length);
      return [length, leaf];
    }),
  );
  return deflateRawSync(framed);
}

/** A stored bundle's leaves, in index order; throws on bytes that are not a whole bundle. */
export function decodeBundle(stored: Buffer): Buffer[] {
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
  if (at !== bytes.length || leaves.length !== bundleWidth) throw new Error(`a stored bundle of ${bytes.length} bytes does not hold ${bundleWidth} whole leaves`);
  return leaves;
}
