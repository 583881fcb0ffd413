import { isDuplicateKey } from './duplicate-key.ts';

/** What `insertNew` needs of a collection: the driver's own, as `model.collection` gives it. */
interface InsertManyTarget {
  insertMany(documents: Record<string, unknown>[], options: { ordered: false }): Promise<unknown>;
}

/**
 * Inserts documents in ONE unordered write (one command, and on the local database one commit, where an upsert
 * each would cost a commit each) and returns the positions, in order, of those whose `_id` was already taken:
 * the caller updates those instead. Anything but duplicate keys is thrown.
 */
export async function insertNew(
  collection: InsertManyTarget,
  documents: Record<string, unknown>[],
): Promise<number[]> {
  if (documents.length === 0) return [];
  try {
    await collection.insertMany(documents, { ordered: false });
    return [];
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const positions = ((error as { writeErrors?: { index?: number }[] }).writeErrors ?? []).map(
      (writeError) => writeError.index ?? -1,
    );
    // Without each refused document's position the caller cannot know which to update.
    if (positions.length === 0 || positions.includes(-1)) throw error;
    return positions.sort((a, b) => a - b);
  }
}
