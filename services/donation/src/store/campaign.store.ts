import type { Connection } from 'mongoose';
import type { CampaignView } from '../domain/donation.ts';
import { campaignModel, type CampaignDocument } from './campaign.model.ts';
import { isDuplicateKey } from '@aid/store';

export function createCampaignStore(connection: Connection) {
  const model = campaignModel(connection);
  return {
    async find(campaignId: string): Promise<CampaignView | null> {
      const doc = await model.findById(campaignId).lean<CampaignDocument>();
      if (!doc) return null;
      return {
        campaignId: doc._id,
        organizationId: doc.organizationId,
        status: doc.status,
        currency: doc.currency,
        revision: doc.revision,
      };
    },

    /**
     * Keeps the snapshot only if it is newer than the one held: an older or repeated snapshot matches no
     * document, so the upsert tries to insert a second document with the same _id and is refused by the
     * unique _id index, which is how "stale" is detected without a read-then-write race.
     */
    async saveIfNewer(campaign: CampaignView, now: Date): Promise<boolean> {
      try {
        const result = await model.updateOne(
          { _id: campaign.campaignId, revision: { $lt: campaign.revision } },
          {
            $set: {
              organizationId: campaign.organizationId,
              status: campaign.status,
              currency: campaign.currency,
              revision: campaign.revision,
              updatedAt: now,
            },
          },
          { upsert: true },
        );
        return result.modifiedCount + result.upsertedCount > 0;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
  };
}

export type CampaignStore = ReturnType<typeof createCampaignStore>;
