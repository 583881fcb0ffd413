import { outboxFields, withOutboxIndex } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';

/**
 * The `allocated` events of a disbursement spread over many gifts, beyond what its own document carries. One
 * allocated event per gift slice would make a disbursement across 100,000 small gifts a document far above the
 * 16 MB limit, so slices past the first batch are announced from these documents, each inserted once (by a
 * deterministic id, so a resumed approval finds them) with its own outbox, before the approval is completed.
 */
export interface AllocationBatchDocument {
  _id: string;
  disbursementId: string;
  campaignId: string;
  slices: number;
  outbox: string[];
  outboxSince?: Date;
}

const schema = new mongoose.Schema<AllocationBatchDocument>(
  {
    _id: { type: String, required: true },
    disbursementId: { type: String, required: true },
    campaignId: { type: String, required: true },
    slices: { type: Number, required: true },
    ...outboxFields,
  },
  { versionKey: false, collection: 'allocation_batches' },
);
withOutboxIndex(schema);

export function allocationBatchModel(connection: Connection): Model<AllocationBatchDocument> {
  return connection.model<AllocationBatchDocument>('AllocationBatch', schema);
}
