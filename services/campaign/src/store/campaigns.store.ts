import type { CampaignStatus } from '@aid/contracts';
import {
  createIdLinks,
  fromStoredAudit,
  queueMessages,
  type OutboxMessage,
  type OutboxSource,
} from '@aid/store';
import type { Connection } from 'mongoose';
import type { AuditEntry } from '../domain/audit.ts';
import type { Campaign, Crisis } from '../domain/campaign.ts';
import { campaignModel, type CampaignDocument } from './campaign.model.ts';

export interface CampaignStore {
  outboxSource: OutboxSource;
  insert(campaign: Campaign, messages: OutboxMessage[], audit: AuditEntry): Promise<void>;
  find(id: string): Promise<Campaign | null>;
  /** Writes the new state only if nobody changed the campaign since `previousRevision`; false otherwise. */
  replace(
    campaign: Campaign,
    previousRevision: number,
    messages: OutboxMessage[],
    audit: AuditEntry,
  ): Promise<boolean>;
  /** An organization's campaigns, drafts included, newest first. */
  ofOrganization(organizationId: string): Promise<Campaign[]>;
  /** The ids and audit entries of an organization's campaigns. */
  auditOfOrganization(organizationId: string): Promise<{ campaignIds: string[]; entries: AuditEntry[] }>;
  /** Newest first; `before` is the id of the last campaign of the previous page. */
  list(query: {
    statuses: CampaignStatus[];
    limit: number;
    before?: string | undefined;
  }): Promise<Campaign[]>;
  /** Links for campaigns stored before they existed: once per database, at start-up. */
  backfillLinks(): Promise<number>;
}

const listedStatuses: CampaignStatus[] = ['active', 'closed'];

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
    organizationVerifiedAt:
      campaign.organizationVerifiedAt === null ? null : new Date(campaign.organizationVerifiedAt),
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
    crisis: {
      kind: doc.crisis.kind as Crisis['kind'],
      countries: [...doc.crisis.countries],
      ...(glide ? { glide } : {}),
    },
    status: doc.status as CampaignStatus,
    revision: doc.revision,
    createdAt: doc.createdAt.toISOString(),
    publishedAt: doc.publishedAt ? doc.publishedAt.toISOString() : null,
    closedAt: doc.closedAt ? doc.closedAt.toISOString() : null,
    approvalThreshold: doc.approvalThreshold ?? null,
    organizationVerifiedAt: doc.organizationVerifiedAt ? doc.organizationVerifiedAt.toISOString() : null,
  };
}

export function campaignStore(connection: Connection): CampaignStore {
  const model = campaignModel(connection);
  // The public list and an organization's campaigns are read through `_id`-keyed sets of campaign ids (one per
  // listed status, one per organization), written before the campaign; the campaigns themselves, read by `_id`,
  // decide (a campaign still in an old status's set is skipped there).
  const links = createIdLinks(connection, 'campaign_links');
  const statusKey = (status: CampaignStatus) => `status:${status}`;
  const organizationKey = (organizationId: string) => `organization:${organizationId}`;
  const byIds = async (ids: string[]) =>
    ids.length === 0
      ? []
      : model
          .find({ _id: { $in: ids } }, { outbox: 0, audit: 0 })
          .sort({ _id: -1 })
          .lean<CampaignDocument[]>();
  return {
    outboxSource: { name: 'campaigns', model },
    async insert(campaign, messages, audit) {
      const queued = queueMessages(messages);
      await links.addTarget(organizationKey(campaign.organizationId), campaign.id);
      if (listedStatuses.includes(campaign.status))
        await links.addTarget(statusKey(campaign.status), campaign.id);
      await model.create({
        _id: campaign.id,
        ...toState(campaign),
        audit: [audit],
        outbox: queued.$push.outbox.$each,
        outboxSince: queued.$set.outboxSince,
      });
    },
    async find(id) {
      const doc = await model.findById(id, { outbox: 0, audit: 0 }).lean<CampaignDocument>();
      return doc ? toCampaign(doc) : null;
    },
    async replace(campaign, previousRevision, messages, audit) {
      const queued = queueMessages(messages);
      if (listedStatuses.includes(campaign.status))
        await links.addTarget(statusKey(campaign.status), campaign.id);
      // Replacing `crisis` whole drops a glide number the patch removed; $set of the full state keeps it simple.
      const result = await model
        .updateOne(
          { _id: campaign.id, revision: previousRevision },
          { $set: { ...toState(campaign), ...queued.$set }, $push: { ...queued.$push, audit } },
        )
        .exec();
      if (result.modifiedCount !== 1) return false;
      // Out of the other statuses' lists (a crash before this only leaves an entry the reader skips).
      for (const other of listedStatuses)
        if (other !== campaign.status) await links.removeTarget(statusKey(other), campaign.id);
      return true;
    },
    async list({ statuses, limit, before }) {
      const candidates = [
        ...new Set(
          (
            await Promise.all(
              statuses
                .filter((status) => listedStatuses.includes(status))
                .map((status) => links.targetsOf(statusKey(status))),
            )
          ).flat(),
        ),
      ]
        .filter((id) => before === undefined || id < before)
        .sort()
        .reverse();
      // Ids are time-ordered (UUIDv7): newest first. Read a page at a time until enough are in a wanted status.
      const found: Campaign[] = [];
      for (let start = 0; start < candidates.length && found.length < limit; start += limit) {
        const docs = await byIds(candidates.slice(start, start + limit));
        for (const doc of docs)
          if (statuses.includes(doc.status as CampaignStatus) && found.length < limit)
            found.push(toCampaign(doc));
      }
      return found;
    },
    backfillLinks() {
      return links.backfillOnce(
        'campaigns-v1',
        async () => {
          const docs = await model
            .find({}, { organizationId: 1, status: 1 })
            .lean<Pick<CampaignDocument, '_id' | 'organizationId' | 'status'>[]>();
          return docs.flatMap((doc): [string, string][] => [
            [organizationKey(doc.organizationId), doc._id],
            ...(listedStatuses.includes(doc.status as CampaignStatus)
              ? [[statusKey(doc.status as CampaignStatus), doc._id] as [string, string]]
              : []),
          ]);
        },
        'set',
      );
    },
    async ofOrganization(organizationId) {
      return (await byIds(await links.targetsOf(organizationKey(organizationId)))).map(toCampaign);
    },
    async auditOfOrganization(organizationId) {
      const ids = await links.targetsOf(organizationKey(organizationId));
      const docs =
        ids.length === 0
          ? []
          : await model
              .find({ _id: { $in: ids } }, { audit: 1 })
              .lean<Pick<CampaignDocument, '_id' | 'audit'>[]>();
      return {
        campaignIds: docs.map((doc) => doc._id),
        entries: docs.flatMap((doc) => fromStoredAudit(doc.audit)),
      };
    },
  };
}
