import { isDuplicateKey } from '@aid/store';
import type { Connection } from 'mongoose';
import type { TotalsDelta } from './donation-journal.model.ts';
import { campaignTotalsModel, type CampaignTotalsDocument } from './campaign-totals.model.ts';

export interface CampaignTotals {
  campaignId: string;
  currency: string;
  gifts: number;
  raised: number;
  fees: number;
  refunded: number;
  disputed: number;
  refundsReversed: number;
}

const figures = ['gifts', 'raised', 'fees', 'refunded', 'disputed', 'refundsReversed'] as const;

export function addDelta(totals: CampaignTotals, delta: TotalsDelta): CampaignTotals {
  const next = { ...totals, currency: totals.currency || delta.currency };
  for (const figure of figures) next[figure] += delta[figure];
  return next;
}

export const zeroTotals = (campaignId: string, currency = ''): CampaignTotals => ({
  campaignId,
  currency,
  gifts: 0,
  raised: 0,
  fees: 0,
  refunded: 0,
  disputed: 0,
  refundsReversed: 0,
});

/**
 * Campaign totals: the folded document plus the deltas of batches committed but not folded yet, which this
 * process holds in memory (and reloads from the journal at start-up), so a read is one lookup by _id.
 */
export function createCampaignTotalsStore(connection: Connection) {
  const model = campaignTotalsModel(connection);
  const unfolded = new Map<string, { journalId: string; delta: TotalsDelta }[]>();

  return {
    /** Deltas of a committed batch, counted by reads until folded. */
    stage(journalId: string, deltas: TotalsDelta[]): void {
      for (const delta of deltas)
        unfolded.set(delta.campaignId, [...(unfolded.get(delta.campaignId) ?? []), { journalId, delta }]);
    },

    async read(campaignId: string): Promise<CampaignTotals | null> {
      const doc = await model.findById(campaignId).lean<CampaignTotalsDocument>();
      const through = doc?.through ?? '';
      const pending = (unfolded.get(campaignId) ?? []).filter((staged) => staged.journalId > through);
      if (!doc && pending.length === 0) return null;
      const base: CampaignTotals = doc
        ? {
            campaignId,
            currency: doc.currency,
            gifts: doc.gifts,
            raised: doc.raised,
            fees: doc.fees,
            refunded: doc.refunded,
            disputed: doc.disputed,
            refundsReversed: doc.refundsReversed ?? 0,
          }
        : zeroTotals(campaignId);
      return pending.reduce((totals, staged) => addDelta(totals, staged.delta), base);
    },

    /** Counts one batch's delta once: a batch at or before `through` matches nothing, and the upsert's insert is refused. */
    async fold(journalId: string, delta: TotalsDelta): Promise<void> {
      try {
        await model.updateOne(
          { _id: delta.campaignId, through: { $lt: journalId } },
          {
            $inc: {
              gifts: delta.gifts,
              raised: delta.raised,
              fees: delta.fees,
              refunded: delta.refunded,
              disputed: delta.disputed,
              refundsReversed: delta.refundsReversed,
            },
            $set: { through: journalId, currency: delta.currency },
          },
          { upsert: true },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const left = (unfolded.get(delta.campaignId) ?? []).filter((staged) => staged.journalId !== journalId);
      if (left.length > 0) unfolded.set(delta.campaignId, left);
      else unfolded.delete(delta.campaignId);
    },
  };
}

export type CampaignTotalsStore = ReturnType<typeof createCampaignTotalsStore>;
