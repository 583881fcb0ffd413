import mongoose, { type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.ts';

interface IdLinkDocument {
  _id: string;
  target?: string;
  targets?: string[];
  doneAt?: Date;
}

const schema = new mongoose.Schema<IdLinkDocument>(
  {
    _id: { type: String, required: true },
    target: { type: String },
    targets: { type: [String], default: undefined },
    doneAt: { type: Date },
  },
  { versionKey: false },
);
// No secondary index: every read and write is by `_id`.

/**
 * An index kept as documents keyed by `_id`: from a value (an API key's hash) to the `_id` of the document that
 * holds it. The local database uses no index but `_id`, so finding a document by another field would read the
 * whole collection on every request; a real MongoDB reads these the same way.
 *
 * A link only says where to look. It is written BEFORE the field it mirrors, idempotently (last writer wins), and
 * a reader checks the target document itself: a link left by a crash, or pointing at a key since rotated or
 * revoked, finds a document that no longer holds the value, and so finds nothing.
 */
export function createIdLinks(connection: Connection, collection: string) {
  const modelName = `IdLink_${collection}`;
  const links: Model<IdLinkDocument> =
    (connection.models[modelName] as Model<IdLinkDocument> | undefined) ??
    connection.model<IdLinkDocument>(modelName, schema, collection);

  async function upsert(id: string, change: Record<string, unknown>): Promise<void> {
    const write = () =>
      links.collection.updateOne({ _id: id } as Record<string, unknown>, change, { upsert: true });
    try {
      await write();
    } catch (error) {
      // Two upserts of one new key may race to insert it; the loser's retry updates the winner's document.
      if (!isDuplicateKey(error)) throw error;
      await write();
    }
  }

  return {
    point: (value: string, target: string) => upsert(`v:${value}`, { $set: { target } }),

    /** One more document under a value that names several (a campaign's updates); kept small by what it indexes. */
    addTarget: (value: string, target: string) => upsert(`v:${value}`, { $addToSet: { targets: target } }),

    /** Several at once, in one write (a batch of new work). */
    addTargets: (value: string, targets: string[]) =>
      targets.length === 0
        ? Promise.resolve()
        : upsert(`v:${value}`, { $addToSet: { targets: { $each: targets } } }),

    removeTarget: (value: string, target: string) => upsert(`v:${value}`, { $pull: { targets: target } }),

    async targetsOf(value: string): Promise<string[]> {
      const doc = await links.findById(`v:${value}`, { targets: 1 }).lean<IdLinkDocument>();
      return doc?.targets ?? [];
    },

    async targetOf(value: string): Promise<string | null> {
      const doc = await links.findById(`v:${value}`, { target: 1 }).lean<IdLinkDocument>();
      return doc?.target ?? null;
    },

    /**
     * Links for documents stored before the links existed, once per database (a marker records it), at start-up.
     * Re-running it is harmless: every write is idempotent.
     */
    async backfillOnce(
      mark: string,
      entries: () => Promise<[value: string, target: string][]>,
      kind: 'single' | 'set' = 'single',
    ): Promise<number> {
      if (await links.findById(`mark:${mark}`, { _id: 1 }).lean()) return 0;
      const all = await entries();
      for (const [value, target] of all)
        await upsert(
          `v:${value}`,
          kind === 'single' ? { $set: { target } } : { $addToSet: { targets: target } },
        );
      await upsert(`mark:${mark}`, { $set: { doneAt: new Date() } });
      return all.length;
    },
  };
}

export type IdLinks = ReturnType<typeof createIdLinks>;
