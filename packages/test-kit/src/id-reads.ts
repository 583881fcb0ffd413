/** One filtered operation a database connection sent. */
export interface FilteredOperation {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
}

const filteredMethods = new Set([
  'find',
  'findOne',
  'countDocuments',
  'aggregate',
  'distinct',
  'findOneAndUpdate',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
]);

/** What a mongoose connection offers for its debug hook, named here so this kit needs no mongoose of its own. */
interface DebuggableConnection {
  set(
    key: 'debug',
    value: false | ((collection: string, method: string, ...args: unknown[]) => void),
  ): unknown;
}

/**
 * Every filtered operation the connection sends while `work` runs (mongoose's debug hook sees model and
 * driver-collection calls alike). On the local database only `_id` is indexed, so a filter on anything else
 * reads the whole collection and its cost grows with the data: tests catch that without timing anything.
 */
export async function operationsOf(
  db: DebuggableConnection,
  work: () => Promise<unknown>,
): Promise<FilteredOperation[]> {
  const seen: FilteredOperation[] = [];
  db.set('debug', (collection, method, ...args) => {
    if (filteredMethods.has(method))
      seen.push({ collection, method, filter: (args[0] ?? {}) as Record<string, unknown> });
  });
  try {
    await work();
  } finally {
    db.set('debug', false);
  }
  return seen;
}

/** A filter the `_id` index answers: `_id` equal to one id, or in a list of ids (guards beside it are fine). */
export function servedById(operation: FilteredOperation): boolean {
  const id = operation.filter._id;
  if (typeof id === 'string') return true;
  const list = (id as { $in?: unknown } | undefined)?.$in;
  return Array.isArray(list) && list.length > 0 && list.length <= 1_000;
}
