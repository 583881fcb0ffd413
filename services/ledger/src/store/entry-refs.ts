import { insertNew } from '@aid/store';
import type { Connection } from 'mongoose';
import { entryRefModel, firstEntryOnly, type EntryRef, type EntryRefDocument } from './entry-ref.model.ts';

// `$in` lists stay within what the local database answers from the `_id` index.
const idsPerRead = 1_000;

/** The `_id`-keyed links from receipt codes, gifts and disbursements to their entries (entry-ref.model.ts). */
export function createEntryRefs(db: Connection) {
  const refs = entryRefModel(db);

  /** The link documents of the keys found (a key with none is absent from the map). */
  async function documents(keys: readonly string[]): Promise<Map<string, EntryRefDocument>> {
    const found = new Map<string, EntryRefDocument>();
    const unique = [...new Set(keys)];
    for (let from = 0; from < unique.length; from += idsPerRead) {
      const chunk = unique.slice(from, from + idsPerRead);
      const docs =
        chunk.length === 1
          ? [await refs.findById(chunk[0]).lean<EntryRefDocument>()]
          : await refs.find({ _id: { $in: chunk } }).lean<EntryRefDocument[]>();
      for (const doc of docs) if (doc) found.set(doc._id, doc);
    }
    return found;
  }

  return {
    /**
     * Lists entries under their keys, idempotently: every new key of the call in one bulk insert (a group's gifts
     * are all new keys), then one `$addToSet` per key that was already there (a refund or allocation of an earlier
     * gift, a disbursement's payout). A receipt key already there keeps its first gift.
     */
    async record(links: readonly EntryRef[]): Promise<void> {
      const byKey = new Map<string, EntryRefDocument>();
      for (const { key, entry, donationId, disbursementId } of links) {
        const document = byKey.get(key) ?? { _id: key, entries: [] };
        if (!document.entries.includes(entry)) document.entries.push(entry);
        if (donationId && document.donationId === undefined) document.donationId = donationId;
        if (disbursementId && !document.disbursements?.includes(disbursementId))
          document.disbursements = [...(document.disbursements ?? []), disbursementId];
        byKey.set(key, document);
      }
      if (byKey.size === 0) return;
      const documents = [...byKey.values()].map((document) =>
        firstEntryOnly(document._id) ? { ...document, entries: document.entries.slice(0, 1) } : document,
      );
      const taken = await insertNew(refs.collection, documents as unknown as Record<string, unknown>[]);
      for (const position of taken) {
        const document = documents[position] as EntryRefDocument;
        if (firstEntryOnly(document._id)) continue;
        const funded = document.disbursements ? { disbursements: { $each: document.disbursements } } : {};
        await refs.collection.updateOne({ _id: document._id } as Record<string, unknown>, {
          $addToSet: { entries: { $each: document.entries }, ...funded },
        });
      }
    },

    documents,

    /** The entry ids listed under each key (a key with none is absent from the map). */
    async lookup(keys: readonly string[]): Promise<Map<string, string[]>> {
      return new Map([...(await documents(keys))].map(([key, doc]) => [key, doc.entries]));
    },
  };
}
