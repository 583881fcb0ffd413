import mongoose, { type Connection, type Model, type UpdateQuery } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.ts';

interface AppliedOperation {
  _id: string;
  appliedAt: Date;
}

const appliedOperationSchema = new mongoose.Schema<AppliedOperation>(
  { _id: { type: String, required: true }, appliedAt: { type: Date, required: true } },
  { versionKey: false },
);

export type ApplyOutcome = 'applied' | 'duplicate' | 'refused';

export interface ApplyOnce {
  /**
   * Applies `update` to one document at most once per `operationId`, whatever crashes or redeliveries happen,
   * without multi-document transactions:
   *  1. an operation already recorded in `applied_operations` is a duplicate;
   *  2. the update runs guarded by `pendingOps: {$ne: id}` and adds the id to `pendingOps` in the same write,
   *     so a retry after a crash can tell "applied but not recorded" from "not applied";
   *  3. the operation is recorded, then removed from `pendingOps`.
   * `guard` adds business conditions (such as enough money available); when it fails nothing changes and the
   * outcome is `refused`.
   */
  apply<T>(args: {
    model: Model<T>;
    documentId: string;
    operationId: string;
    update: UpdateQuery<T>;
    guard?: Record<string, unknown>;
    upsert?: boolean;
  }): Promise<ApplyOutcome>;
  wasApplied(operationId: string): Promise<boolean>;
  /** Which of these operations are recorded as applied (one read by `_id`). */
  appliedAmong(operationIds: readonly string[]): Promise<Set<string>>;
  /**
   * The same rule for a group of operations on one document, in ONE write: the update runs guarded by none of
   * them being pending and names them all in `pendingOps`; then they are recorded together and removed together.
   * The caller passes only operations that are neither recorded (`appliedAmong`) nor pending on the document as
   * it read it; an operation found pending later (a crash after the write) is finished by `apply` alone, which
   * tells it apart. `refused` means nothing changed: the guard failed or the document moved; read and decide again.
   */
  applyAll<T>(args: {
    model: Model<T>;
    documentId: string;
    operationIds: readonly string[];
    update: UpdateQuery<T>;
    guard?: Record<string, unknown>;
    upsert?: boolean;
  }): Promise<'applied' | 'refused'>;
  /**
   * A group of operations on one document, each at most once, in as few writes as it can: operations already
   * recorded are `duplicate`; one a crash left pending is finished by `alone` (the single rule, which tells
   * "written, not recorded" from "not written"); the rest go in one `applyAll` write that `decide` makes from the
   * document as read (null refuses them all), read and decided again when the document moved meanwhile.
   * Answers each operation's outcome by its id; items naming the same operation count once.
   */
  applyEach<T, I>(args: {
    model: Model<T>;
    documentId: string;
    items: readonly I[];
    operationOf: (item: I) => string;
    decide: (
      document: (T & { pendingOps?: string[] }) | null,
      fresh: readonly I[],
    ) => { update: UpdateQuery<T>; guard?: Record<string, unknown>; upsert?: boolean } | null;
    alone: (item: I) => Promise<ApplyOutcome>;
  }): Promise<Map<string, ApplyOutcome>>;
}

// Only concurrent writers of the same document make a group read and decide again; a few dozen rounds settle any
// realistic contention.
const groupAttempts = 20;

function mergePush(
  update: UpdateQuery<unknown>,
  pending: string | { $each: string[] },
): UpdateQuery<unknown> {
  const push = (update.$push ?? {}) as Record<string, unknown>;
  return { ...update, $push: { ...push, pendingOps: pending } };
}

export function createApplyOnce(connection: Connection): ApplyOnce {
  const applied = connection.model<AppliedOperation>(
    'AppliedOperation',
    appliedOperationSchema,
    'applied_operations',
  );

  async function recordAll(operationIds: readonly string[]): Promise<void> {
    try {
      const appliedAt = new Date();
      await applied.insertMany(
        operationIds.map((_id) => ({ _id, appliedAt })),
        { ordered: false },
      );
    } catch (error) {
      // Recorded already by an earlier attempt that stopped before removing them from `pendingOps`.
      if (!isDuplicateKey(error)) throw error;
    }
  }

  return {
    async wasApplied(operationId) {
      return (await applied.exists({ _id: operationId })) !== null;
    },

    async appliedAmong(operationIds) {
      if (operationIds.length === 0) return new Set();
      const found = await applied.find({ _id: { $in: operationIds } }, { _id: 1 }).lean();
      return new Set(found.map((operation) => operation._id));
    },

    async applyAll({ model, documentId, operationIds, update, guard = {}, upsert = false }) {
      if (operationIds.length === 0) return 'applied';
      const anyModel = model as unknown as Model<{ pendingOps?: string[] }>;
      const ids = [...operationIds];
      try {
        const result = await anyModel.updateOne(
          { _id: documentId, pendingOps: { $nin: ids }, ...guard },
          mergePush(update, { $each: ids }),
          { upsert },
        );
        if (result.modifiedCount + result.upsertedCount === 0) return 'refused';
      } catch (error) {
        // An upsert that missed an existing document (the guard failed, or an operation is pending): decide again.
        if (isDuplicateKey(error)) return 'refused';
        throw error;
      }
      await recordAll(ids);
      await anyModel.updateOne({ _id: documentId }, { $pullAll: { pendingOps: ids } });
      return 'applied';
    },

    async applyEach({ model, documentId, items, operationOf, decide, alone }) {
      const outcomes = new Map<string, ApplyOutcome>();
      const unique = [...new Map(items.map((item) => [operationOf(item), item])).values()];
      const recorded = await this.appliedAmong(unique.map(operationOf));
      let open = unique.filter((item) => {
        if (!recorded.has(operationOf(item))) return true;
        outcomes.set(operationOf(item), 'duplicate');
        return false;
      });
      for (let attempt = 0; attempt < groupAttempts && open.length > 0; attempt += 1) {
        const document = (await model.findById(documentId).lean()) as Parameters<typeof decide>[0];
        const pending = new Set(document?.pendingOps ?? []);
        for (const item of open.filter((candidate) => pending.has(operationOf(candidate))))
          outcomes.set(operationOf(item), await alone(item));
        open = open.filter((item) => !pending.has(operationOf(item)));
        if (open.length === 0) break;
        const decided = decide(document, open);
        if (!decided) {
          for (const item of open) outcomes.set(operationOf(item), 'refused');
          return outcomes;
        }
        const operationIds = open.map(operationOf);
        if ((await this.applyAll({ model, documentId, operationIds, ...decided })) === 'applied') {
          for (const operationId of operationIds) outcomes.set(operationId, 'applied');
          open = [];
        }
      }
      if (open.length > 0)
        throw new Error(
          `document ${documentId} kept changing while ${open.length} operations were applied to it; they will be retried`,
        );
      return outcomes;
    },

    async apply({ model, documentId, operationId, update, guard = {}, upsert = false }) {
      const anyModel = model as unknown as Model<{ pendingOps?: string[] }>;
      if (await applied.exists({ _id: operationId })) {
        await anyModel.updateOne({ _id: documentId }, { $pull: { pendingOps: operationId } });
        return 'duplicate';
      }
      let changed = false;
      try {
        const result = await anyModel.updateOne(
          { _id: documentId, pendingOps: { $ne: operationId }, ...guard },
          mergePush(update, operationId),
          { upsert },
        );
        changed = result.modifiedCount + result.upsertedCount > 0;
      } catch (error) {
        // An upsert whose filter missed because the id is already pending tries to insert a second document
        // with the same _id: that means an earlier attempt got as far as the write.
        if (!isDuplicateKey(error)) throw error;
      }
      if (!changed) {
        const pending = await anyModel.exists({ _id: documentId, pendingOps: operationId });
        if (!pending) return 'refused';
      }
      await recordAll([operationId]);
      await anyModel.updateOne({ _id: documentId }, { $pull: { pendingOps: operationId } });
      return changed ? 'applied' : 'duplicate';
    },
  };
}

/** Schema fields for documents updated through `applyOnce`. */
export const applyOnceFields = {
  pendingOps: { type: [String], default: (): string[] => [] },
};
