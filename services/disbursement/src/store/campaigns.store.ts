import type { Connection } from 'mongoose';
import { defaultApprovalsAboveThreshold, type CampaignView } from '../domain/disbursement.ts';
import { campaignModel } from './campaign.model.ts';
import { isDuplicateKey } from '@aid/store';

export interface CampaignProjection extends CampaignView {
  revision: number;
}

export type CampaignStore = ReturnType<typeof createCampaignStore>;

export function createCampaignStore(connection: Connection) {
  const model = campaignModel(connection);
  return {
    /**
     * Keeps the highest revision: the filter only matches an older copy, and when a newer one is stored the
     * upsert collides with its `_id`, which means there is nothing to do. Late or repeated events are harmless.
     */
    async project(campaign: CampaignProjection): Promise<void> {
      const { campaignId, ...fields } = campaign;
      try {
        await model.updateOne({ _id: campaignId, revision: { $lt: campaign.revision } }, { $set: fields }, { upsert: true });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    async find(campaignId: string): Promise<CampaignView | null> {
      const doc = await model.findById(campaignId).lean();
      return doc
        ? {
            campaignId: doc._id,
            organizationId: doc.organizationId,
            currency: doc.currency,
            status: doc.status,
            approvalThreshold: doc.approvalThreshold ?? null,
            approvalsAboveThreshold: doc.approvalsAboveThreshold ?? defaultApprovalsAboveThreshold,
          }
        : null;
    },
  };
}
