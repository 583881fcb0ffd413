import {
  createIdLinks,
  fromStoredAudit,
  queueMessages,
  type OutboxMessage,
  type OutboxSource,
} from '@aid/store';
import type { Connection } from 'mongoose';
import type { AuditEntry } from '../domain/audit.ts';
import type { CampaignUpdate } from '../domain/campaign.ts';
import type { UpdatePhotoFacts } from '../domain/update-photo.ts';
import { updatePhotoModel, type UpdatePhotoDocument } from './update-photo.model.ts';
import { updateModel, type UpdateDocument } from './update.model.ts';

export interface UpdateStore {
  outboxSource: OutboxSource;
  insert(update: CampaignUpdate, messages: OutboxMessage[], audit: AuditEntry): Promise<void>;
  /** Keeps an update's photo bytes, before the update itself is written. */
  insertPhoto(updateId: string, facts: UpdatePhotoFacts, bytes: Buffer): Promise<void>;
  /** An update of this campaign with its photo's bytes; null when there is no such update or it has no photo. */
  photo(campaignId: string, updateId: string): Promise<{ facts: UpdatePhotoFacts; bytes: Buffer } | null>;
  auditOfCampaigns(campaignIds: string[]): Promise<AuditEntry[]>;
  latest(campaignId: string, limit: number): Promise<CampaignUpdate[]>;
  /** Links for updates stored before they existed: once per database, at start-up. */
  backfillLinks(): Promise<number>;
}

function toUpdate(doc: UpdateDocument): CampaignUpdate {
  const update: CampaignUpdate = {
    id: doc._id,
    campaignId: doc.campaignId,
    title: doc.title,
    body: doc.body,
    postedAt: doc.postedAt.toISOString(),
  };
  return doc.photo
    ? {
        ...update,
        photo: { contentType: doc.photo.contentType, size: doc.photo.size, sha256: doc.photo.sha256 },
      }
    : update;
}

export function updateStore(connection: Connection): UpdateStore {
  const model = updateModel(connection);
  const photos = updatePhotoModel(connection);
  // Every public campaign page shows its latest updates: found through an `_id`-keyed set of the campaign's update
  // ids (written before the update), never by a scan of all updates.
  const links = createIdLinks(connection, 'update_links');
  const campaignKey = (campaignId: string) => `campaign:${campaignId}`;
  return {
    outboxSource: { name: 'campaign_updates', model },
    async insert(update, messages, audit) {
      const queued = queueMessages(messages);
      await links.addTarget(campaignKey(update.campaignId), update.id);
      await model.create({
        _id: update.id,
        campaignId: update.campaignId,
        title: update.title,
        body: update.body,
        postedAt: new Date(update.postedAt),
        ...(update.photo ? { photo: update.photo } : {}),
        audit: [audit],
        outbox: queued.$push.outbox.$each,
        outboxSince: queued.$set.outboxSince,
      });
    },
    async insertPhoto(updateId, facts, bytes) {
      // An upsert, so a retried post whose first attempt stopped half-way writes the same document again.
      await photos.updateOne(
        { _id: updateId },
        { $set: { contentType: facts.contentType, sha256: facts.sha256, bytes } },
        { upsert: true },
      );
    },
    async photo(campaignId, updateId) {
      // Both reads by `_id`: the update says which campaign it is on and that it has a photo; then the bytes.
      const update = await model
        .findById(updateId, { campaignId: 1, photo: 1 })
        .lean<Pick<UpdateDocument, '_id' | 'campaignId' | 'photo'>>();
      if (!update || update.campaignId !== campaignId || !update.photo) return null;
      const stored = await photos.findById(updateId).lean<UpdatePhotoDocument>();
      if (!stored) return null;
      return {
        facts: {
          contentType: update.photo.contentType,
          size: update.photo.size,
          sha256: update.photo.sha256,
        },
        bytes: asBuffer(stored.bytes),
      };
    },
    async latest(campaignId, limit) {
      // Ids are time-ordered (UUIDv7): the newest are the greatest. A link whose update was never written finds nothing.
      const ids = (await links.targetsOf(campaignKey(campaignId))).sort().reverse().slice(0, limit);
      if (ids.length === 0) return [];
      const docs = await model
        .find({ _id: { $in: ids } }, { outbox: 0, audit: 0 })
        .sort({ _id: -1 })
        .lean<UpdateDocument[]>();
      return docs.map(toUpdate);
    },
    backfillLinks() {
      return links.backfillOnce(
        'updates-v1',
        async () =>
          (await model.find({}, { campaignId: 1 }).lean<Pick<UpdateDocument, '_id' | 'campaignId'>[]>()).map(
            (doc): [string, string] => [campaignKey(doc.campaignId), doc._id],
          ),
        'set',
      );
    },
    async auditOfCampaigns(campaignIds) {
      if (campaignIds.length === 0) return [];
      const ids = (await Promise.all(campaignIds.map((id) => links.targetsOf(campaignKey(id))))).flat();
      if (ids.length === 0) return [];
      const docs = await model
        .find({ _id: { $in: ids } }, { audit: 1 })
        .lean<Pick<UpdateDocument, 'audit'>[]>();
      return docs.flatMap((doc) => fromStoredAudit(doc.audit));
    },
  };
}

/** Lean reads give BSON Binary values rather than Buffers. */
function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer: Uint8Array };
  return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.buffer.byteLength);
}
