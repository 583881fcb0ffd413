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
}

function mergePush(update: UpdateQuery<unknown>, operationId: string): UpdateQuery<unknown> {
  const push = (update.$push ?? {}) as Record<string, unknown>;
  return { ...update, $push: { ...push, pendingOps: operationId } };
}

export function createApplyOnce(connection: Connection): ApplyOnce {
  const applied = connection.model<AppliedOperation>(
    'AppliedOperation',
    appliedOperationSchema,
    'applied_operations',
  );

  async function record(operationId: string): Promise<void> {
    try {
      await applied.create({ _id: operationId, appliedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  return {
    async wasApplied(operationId) {
      return (await applied.exists({ _id: operationId })) !== null;
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
      await record(operationId);
      await anyModel.updateOne({ _id: documentId }, { $pull: { pendingOps: operationId } });
      return changed ? 'applied' : 'duplicate';
    },
  };
}

/** Schema fields for documents updated through `applyOnce`. */
export const applyOnceFields = {
  pendingOps: { type: [String], default: (): string[] => [] },
};
