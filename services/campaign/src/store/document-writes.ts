import type { OutboxSource } from '@aid/store';
import type { Model } from 'mongoose';

/**
 * FerretDB 1.x (our local database) runs an update as read, modify in memory, write back, with nothing
 * stopping another update of the same document in between. The outbox relay clears published messages with
 * its own updates, so a state change racing a clear could be silently undone: a member added and then lost,
 * a publish reverted. MongoDB applies each update atomically and needs none of this.
 *
 * Within one process, every update of a document (ours and the relay's) therefore goes through this queue,
 * one at a time per document id. Inserts need no queue: nobody can update a document before it exists.
 * Several instances of the service on one FerretDB can still race; run those on MongoDB.
 */
export interface DocumentWrites {
  run<T>(documentId: string, write: () => Promise<T>): Promise<T>;
}

export function documentWrites(): DocumentWrites {
  const tails = new Map<string, Promise<void>>();
  return {
    run(documentId, write) {
      const previous = tails.get(documentId) ?? Promise.resolve();
      const result = previous.then(write);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(documentId, tail);
      void tail.then(() => {
        if (tails.get(documentId) === tail) tails.delete(documentId);
      });
      return result;
    },
  };
}

/** The relay's view of a collection, with its clearing updates queued like every other write to the document. */
export function queuedOutboxSource<T>(name: string, model: Model<T>, writes: DocumentWrites): OutboxSource {
  const updateOne = (filter: { _id: unknown }, update: unknown) =>
    writes.run(String(filter._id), async () => model.updateOne(filter as never, update as never).exec());
  const proxied = new Proxy(model, {
    get(target, property, receiver) {
      return property === 'updateOne' ? updateOne : (Reflect.get(target, property, receiver) as unknown);
    },
  });
  return { name, model: proxied };
}
