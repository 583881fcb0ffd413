import { isDuplicateKey, type ApplyOnce } from '@aid/store';
import type { Connection } from 'mongoose';
import type { FigureDelta } from '../domain/webhook-decisions.ts';
import type { TotalsDelta } from './donation-journal.model.ts';
import { campaignTotalsModel, type CampaignTotalsDocument } from './campaign-totals.model.ts';
import type { TotalsMove } from './donation.model.ts';

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

/** One Stripe event's move of one campaign's totals. */
export interface EventMove {
  stripeEventId: string;
  move: TotalsMove;
}

function increments(deltas: readonly FigureDelta[]): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const figure of figures) inc[figure] = deltas.reduce((sum, delta) => sum + (delta[figure] ?? 0), 0);
  return inc;
}

/** Campaign totals, one document per campaign read by `_id`. */
export function createCampaignTotalsStore(connection: Connection, applyOnce: ApplyOnce) {
  const model = campaignTotalsModel(connection);
  const operationOf = (item: EventMove) => `campaign-totals:${item.move.campaignId}:${item.stripeEventId}`;

  return {
    async read(campaignId: string): Promise<CampaignTotals | null> {
      const doc = await model.findById(campaignId).lean<CampaignTotalsDocument>();
      if (!doc) return null;
      return {
        campaignId,
        currency: doc.currency,
        gifts: doc.gifts,
        raised: doc.raised,
        fees: doc.fees,
        refunded: doc.refunded,
        disputed: doc.disputed,
        refundsReversed: doc.refundsReversed ?? 0,
      };
    },

    /**
     * Counts each event's move once, whatever crashes and repeats happen (an event applied again after a crash
     * before its totals were counted, or by two instances): a campaign's moves of one batch take one write, their
     * operations recorded together.
     */
    async count(items: readonly EventMove[]): Promise<void> {
      const byCampaign = new Map<string, EventMove[]>();
      for (const item of items)
        byCampaign.set(item.move.campaignId, [...(byCampaign.get(item.move.campaignId) ?? []), item]);
      for (const [campaignId, moves] of byCampaign) {
        const currency = moves[0]?.move.currency ?? '';
        await applyOnce.applyEach({
          model,
          documentId: campaignId,
          items: moves,
          operationOf,
          decide: (_doc, fresh) => ({
            update: { $inc: increments(fresh.map((item) => item.move.delta)), $set: { currency } },
            upsert: true,
          }),
          alone: (item) =>
            applyOnce.apply({
              model,
              documentId: campaignId,
              operationId: operationOf(item),
              update: { $inc: increments([item.move.delta]), $set: { currency } },
              upsert: true,
            }),
        });
      }
    },

    /** Counts a journal batch an earlier version left (see legacy-journal.ts) once: `through` guards it. */
    async foldLegacy(journalId: string, delta: TotalsDelta): Promise<void> {
      try {
        await model.updateOne(
          { _id: delta.campaignId, through: { $lt: journalId } },
          {
            $inc: increments([delta]),
            $set: { through: journalId, currency: delta.currency },
          },
          { upsert: true },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },
  };
}

export type CampaignTotalsStore = ReturnType<typeof createCampaignTotalsStore>;
