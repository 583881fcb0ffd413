import type { CampaignStatus } from '@aid/contracts';
import { queueMessages, type OutboxMessage, type OutboxSource } from '@aid/store';
import type { Connection } from 'mongoose';
import type { AuditEntry } from '../domain/audit.ts';
import type { Campaign, Crisis } from '../domain/campaign.ts';
import { documentWrites, queuedOutboxSource } from './document-writes.ts';
import { campaignModel, type CampaignDocument } from './campaign.model.ts';

export interface CampaignStore {
  outboxSource: OutboxSource;
  insert(campaign: Campaign, messages: OutboxMessage[], audit: AuditEntry): Promise<void>;
  find(id: string): Promise<Campaign | null>;
  /** Writes the new state only if nobody changed the campaign since `previousRevision`; false otherwise. */
  replace(campaign: Campaign, previousRevision: number, messages: OutboxMessage[], audit: AuditEntry): Promise<boolean>;
  /** The ids and audit entries of an organization's campaigns. */
  auditOfOrganization(organizationId: string): Promise<{ campaignIds: string[]; entries: AuditEntry[] }>;
  /** Newest first; `before` is the id of the last campaign of the previous page. */
  list(query: { statuses: CampaignStatus[]; limit: number; before?: string | undefined }): Promise<Campaign[]>;
}

type CampaignState = Omit<CampaignDocument, '_id' | 'outbox' | 'outboxSince' | 'audit'>;

function toState(campaign: Campaign): CampaignState {
  return {
    organizationId: campaign.organizationId,
    organizationName: campaign.organizationName,
    title: campaign.title,
    summary: campaign.summary,
    goal: { amount: campaign.goal.amount, currency: campaign.goal.currency },
    crisis: {
      kind: campaign.crisis.kind,
      countries: campaign.crisis.countries,
      ...(campaign.crisis.glide === undefined ? {} : { glide: campaign.crisis.glide }),
    },
    status: campaign.status,
    revision: campaign.revision,
    createdAt: new Date(campaign.createdAt),
    publishedAt: campaign.publishedAt === null ? null : new Date(campaign.publishedAt),
    closedAt: campaign.closedAt === null ? null : new Date(campaign.closedAt),
    approvalThreshold: campaign.approvalThreshold,
  };
}

function toCampaign(doc: CampaignDocument): Campaign {
  const glide = doc.crisis.glide ?? undefined;
  return {
    id: doc._id,
    organizationId: doc.organizationId,
    organizationName: doc.organizationName,
    title: doc.title,
    summary: doc.summary,
    goal: { amount: doc.goal.amount, currency: doc.goal.currency },
    crisis: { kind: doc.crisis.kind as Crisis['kind'], countries: [...doc.crisis.countries], ...(glide ? { glide } : {}) },
    status: doc.status as CampaignStatus,
    revision: doc.revision,
    createdAt: doc.createdAt.toISOString(),
    publishedAt: doc.publishedAt ? doc.publishedAt.toISOString() : null,
    closedAt: doc.closedAt ? doc.closedAt.toISOString() : null,
    approvalThreshold: doc.approvalThreshold ?? null,
  };
}

export function campaignStore(connection: Connection): CampaignStore {
  const model = campaignModel(connection);
  const writes = documentWrites();
  return {
    outboxSource: queuedOutboxSource('campaigns', model, writes),
    async insert(campaign, messages, audit) {
      const queued = queueMessages(messages);
      await model.create({ _id: campaign.id, ...toState(campaign), audit: [audit], outbox: queued.$push.outbox.$each, outboxSince: queued.$set.outboxSince });
    },
    async find(id) {
      const doc = await model.findById(id, { outbox: 0, audit: 0 }).lean<CampaignDocument>();
      return doc ? toCampaign(doc) : null;
    },
    async replace(campaign, previousRevision, messages, audit) {
      const queued = queueMessages(messages);
      // Replacing `crisis` whole drops a glide number the patch removed; $set of the full state keeps it simple.
      const result = await writes.run(campaign.id, () =>
        model
          .updateOne({ _id: campaign.id, revision: previousRevision }, { $set: { ...toState(campaign), ...queued.$set }, $push: { ...queued.$push, audit } })
          .exec(),
      );
      return result.modifiedCount === 1;
    },
    async list({ statuses, limit, before }) {
      const docs = await model
        .find({ status: { $in: statuses }, ...(before === undefined ? {} : { _id: { $lt: before } }) }, { outbox: 0, audit: 0 })
        .sort({ _id: -1 })
        .limit(limit)
        .lean<CampaignDocument[]>();
      return docs.map(toCampaign);
    },
    async auditOfOrganization(organizationId) {
      const docs = await model.find({ organizationId }, { audit: 1 }).lean<Pick<CampaignDocument, '_id' | 'audit'>[]>();
      return { campaignIds: docs.map((doc) => doc._id), entries: docs.flatMap((doc) => doc.audit ?? []) };
    },
  };
}
