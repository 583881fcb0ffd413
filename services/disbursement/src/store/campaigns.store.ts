import type { Connection } from 'mongoose';
import { defaultApprovalsAboveThreshold, type CampaignView } from '../domain/disbursement.ts';
import { campaignModel } from './campaign.model.ts';
import { organizationSettingsModel } from './organization-settings.model.ts';
import { isDuplicateKey } from '@aid/store';

export interface CampaignProjection extends Omit<CampaignView, 'approvalsAboveThreshold'> {
  revision: number;
}

export type CampaignStore = ReturnType<typeof createCampaignStore>;

export function createCampaignStore(connection: Connection) {
  const model = campaignModel(connection);
  const settings = organizationSettingsModel(connection);
  return {
    /** `organization-settings-changed`: a later change wins; a late or repeated one changes nothing. */
    async projectSettings(change: {
      organizationId: string;
      approvalsAboveThreshold: number;
      changedAt: Date;
    }): Promise<void> {
      try {
        await settings.updateOne(
          { _id: change.organizationId, changedAt: { $lt: change.changedAt } },
          { $set: { approvalsAboveThreshold: change.approvalsAboveThreshold, changedAt: change.changedAt } },
          { upsert: true },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    /**
     * Keeps the highest revision: the filter only matches an older copy, and when a newer one is stored the
     * upsert collides with its `_id`, which means there is nothing to do. Late or repeated events are harmless.
     */
    async project(campaign: CampaignProjection): Promise<void> {
      const { campaignId, ...fields } = campaign;
      try {
        await model.updateOne(
          { _id: campaignId, revision: { $lt: campaign.revision } },
          { $set: fields },
          { upsert: true },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    /** The campaign with its organization's approval rule: two reads by `_id`. */
    async find(campaignId: string): Promise<CampaignView | null> {
      const doc = await model.findById(campaignId).lean();
      const rules = doc ? await settings.findById(doc.organizationId).lean() : null;
      return doc
        ? {
            campaignId: doc._id,
            organizationId: doc.organizationId,
            currency: doc.currency,
            status: doc.status,
            approvalThreshold: doc.approvalThreshold ?? null,
            approvalsAboveThreshold: rules?.approvalsAboveThreshold ?? defaultApprovalsAboveThreshold,
          }
        : null;
    },
  };
}

/**
 * The same store, reading each campaign once: for one request, whose use case and answer both need the campaign.
 * Not for longer than a request: campaign and settings changes arrive as events at any time.
 */
export function readingEachCampaignOnce(store: CampaignStore): CampaignStore {
  const read = new Map<string, ReturnType<CampaignStore['find']>>();
  return {
    ...store,
    find(campaignId) {
      const found = read.get(campaignId) ?? store.find(campaignId);
      read.set(campaignId, found);
      return found;
    },
  };
}
