import mongoose, { type Connection, type Model } from 'mongoose';

/** Where an approval starts reading a campaign's queue: everything before it was spent when it was last moved. */
export interface QueuePosition {
  page: number;
  index: number;
}

/**
 * The head of one campaign's queue of gifts, in the order they were credited (`_id` `<campaignId>:<currency>`).
 * `reopened` names gifts behind the frontier that got money back (a cancelled disbursement's slice, a failed
 * refund); an approval spends them first.
 */
export interface GiftQueueDocument {
  _id: string;
  lastPage: number;
  frontier: QueuePosition;
  reopened?: string[];
}

/** One page of a queue (`_id` `<campaignId>:<currency>:<page>`): gift ids in the order they were credited. */
export interface GiftQueuePageDocument {
  _id: string;
  gifts: string[];
  /** How many times a gift was added: at least the length of `gifts`, enough to tell that the page is full. */
  added: number;
}

const queueSchema = new mongoose.Schema<GiftQueueDocument>(
  {
    _id: { type: String, required: true },
    lastPage: { type: Number, required: true },
    frontier: {
      type: new mongoose.Schema<QueuePosition>({ page: Number, index: Number }, { _id: false }),
      required: true,
    },
    reopened: { type: [String], default: [] },
  },
  { versionKey: false, collection: 'gift_queues' },
);

const pageSchema = new mongoose.Schema<GiftQueuePageDocument>(
  {
    _id: { type: String, required: true },
    gifts: { type: [String], default: [] },
    added: { type: Number, required: true },
  },
  { versionKey: false, collection: 'gift_queue_pages' },
);

export function giftQueueModel(connection: Connection): Model<GiftQueueDocument> {
  return connection.model<GiftQueueDocument>('GiftQueue', queueSchema);
}

export function giftQueuePageModel(connection: Connection): Model<GiftQueuePageDocument> {
  return connection.model<GiftQueuePageDocument>('GiftQueuePage', pageSchema);
}
