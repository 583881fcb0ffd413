import { queueMessages, type OutboxMessage, type OutboxSource } from '@aid/store';
import type { Connection } from 'mongoose';
import type { AuditEntry } from '../domain/audit.ts';
import type { CampaignUpdate } from '../domain/campaign.ts';
import { documentWrites, queuedOutboxSource } from './document-writes.ts';
import { updateModel, type UpdateDocument } from './update.model.ts';

export interface UpdateStore {
  outboxSource: OutboxSource;
  insert(update: CampaignUpdate, messages: OutboxMessage[], audit: AuditEntry): Promise<void>;
  auditOfCampaigns(campaignIds: string[]): Promise<AuditEntry[]>;
  latest(campaignId: string, limit: number): Promise<CampaignUpdate[]>;
}

function toUpdate(doc: UpdateDocument): CampaignUpdate {
  return { id: doc._id, campaignId: doc.campaignId, title: doc.title, body: doc.body, postedAt: doc.postedAt.toISOString() };
}

export function updateStore(connection: Connection): UpdateStore {
  const model = updateModel(connection);
  return {
    // Updates are written once, so only the relay updates them; queued anyway so that stays true if that changes.
    outboxSource: queuedOutboxSource('campaign_updates', model, documentWrites()),
    async insert(update, messages, audit) {
      const queued = queueMessages(messages);
      await model.create({
        _id: update.id,
        campaignId: update.campaignId,
        title: update.title,
        body: update.body,
        postedAt: new Date(update.postedAt),
        audit: [audit],
        outbox: queued.$push.outbox.$each,
        outboxSince: queued.$set.outboxSince,
      });
    },
    async latest(campaignId, limit) {
      const docs = await model.find({ campaignId }, { outbox: 0, audit: 0 }).sort({ _id: -1 }).limit(limit).lean<UpdateDocument[]>();
      return docs.map(toUpdate);
    },
    async auditOfCampaigns(campaignIds) {
      if (campaignIds.length === 0) return [];
      const docs = await model.find({ campaignId: { $in: campaignIds } }, { audit: 1 }).lean<Pick<UpdateDocument, 'audit'>[]>();
      return docs.flatMap((doc) => doc.audit ?? []);
    },
  };
}
