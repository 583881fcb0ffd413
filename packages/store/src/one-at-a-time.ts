/**
 * Runs tasks that share a key one after another within this process; tasks of other keys run side by side.
 * A failed task does not stop the ones queued behind it. Nothing here reaches other processes: across
 * instances only the database's atomic single-document writes (and what a service builds on them) order work.
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
