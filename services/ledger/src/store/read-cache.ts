/**
 * A small per-key cache of read models: concurrent readers of a key share one database read, an answer is
 * reused for at most `ttlMs` (the staleness bound for changes made by other instances), and this process's own
 * writes forget the key at once, so its readers see them immediately.
 */
export function createReadCache<T>(options: { ttlMs: number; maxKeys?: number; clock?: () => number }) {
  const clock = options.clock ?? (() => performance.now());
  const maxKeys = options.maxKeys ?? 10_000;
  const entries = new Map<string, { at: number; value: Promise<T>; generation: number }>();
  let generation = 0;

  return {
    async get(key: string, read: () => Promise<T>): Promise<T> {
      const cached = entries.get(key);
      if (cached && clock() - cached.at < options.ttlMs) return cached.value;
      const mine = { at: clock(), value: read(), generation: (generation += 1) };
      entries.set(key, mine);
      if (entries.size > maxKeys) entries.delete(entries.keys().next().value as string);
      // A failed read is not kept: the next reader tries again.
      mine.value.catch(() => {
        if (entries.get(key)?.generation === mine.generation) entries.delete(key);
      });
      return mine.value;
    },
    forget(key: string): void {
      entries.delete(key);
    },
    clear(): void {
      entries.clear();
    },
  };
}
