/**
 * Runs tasks that share a key one after another within this process.
 *
 * FerretDB 1.24 evaluates an update's filter and writes the result in two steps (handler/msg_update.go queries,
 * then updates), so two concurrent guarded updates of one document can both pass their guard and the later
 * write silently replaces the earlier one. Changes to one donation therefore go through here; on MongoDB the
 * guarded update alone is atomic, which also covers several instances.
 */
export type OneAtATime = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function oneAtATime(): OneAtATime {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
