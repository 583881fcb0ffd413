import { topics } from '@aid/contracts';
import { outboxMessage, queueMessages, type ApplyOnce } from '@aid/store';
import type { Connection } from 'mongoose';
import { releaseDue, releaseOf, type GeographyCounts } from '../domain/donor-geography.ts';
import { geographyReleasedEvent } from '../events/donation-events.ts';
import { donorGeographyModel, type DonorGeographyDocument } from './donor-geography.model.ts';

export interface CountedCountries {
  residence: string | null;
  heritage: string | null;
}

function countsOf(doc: DonorGeographyDocument | null): GeographyCounts {
  return {
    donors: doc?.donors ?? 0,
    residence: doc?.residence ?? {},
    heritage: doc?.heritage ?? {},
    releasedDonors: doc?.releasedDonors ?? 0,
    release: doc?.release ?? 0,
  };
}

const operationOf = (campaignId: string, donorKey: string) => `donor-geography:${campaignId}:${donorKey}`;

/** What counting these donors adds: one donor each, and one for each country they named. */
function increments(donors: readonly CountedCountries[]): Record<string, number> {
  const inc: Record<string, number> = { donors: donors.length };
  for (const { residence, heritage } of donors) {
    if (residence) inc[`residence.${residence}`] = (inc[`residence.${residence}`] ?? 0) + 1;
    if (heritage) inc[`heritage.${heritage}`] = (inc[`heritage.${heritage}`] ?? 0) + 1;
  }
  return inc;
}

export function createDonorGeographyStore(connection: Connection, applyOnce: ApplyOnce) {
  const model = donorGeographyModel(connection);
  return {
    model,

    /**
     * Counts a donor once per campaign, whichever of their gifts comes first and however often it is
     * delivered: the operation id is the donor's key, so their later gifts (a monthly plan's installments
     * included) are duplicates of the first.
     */
    async countDonor(campaignId: string, donorKey: string, countries: CountedCountries): Promise<boolean> {
      const outcome = await applyOnce.apply({
        model,
        documentId: campaignId,
        operationId: operationOf(campaignId, donorKey),
        update: { $inc: increments([countries]) },
        upsert: true,
      });
      return outcome === 'applied';
    },

    /**
     * The same for a group of a campaign's donors, in one write (their operations recorded together): how many
     * of them were counted now.
     */
    async countDonors(
      campaignId: string,
      donors: readonly ({ donorKey: string } & CountedCountries)[],
    ): Promise<number> {
      const outcomes = await applyOnce.applyEach({
        model,
        documentId: campaignId,
        items: donors,
        operationOf: (donor) => operationOf(campaignId, donor.donorKey),
        decide: (_doc, fresh) => ({ update: { $inc: increments(fresh) }, upsert: true }),
        alone: async (donor) =>
          (await this.countDonor(campaignId, donor.donorKey, donor)) ? 'applied' : 'duplicate',
      });
      return [...outcomes.values()].filter((outcome) => outcome === 'applied').length;
    },

    /**
     * Queues the next release when it is due, in one write guarded by the counts it was computed from: a count
     * that lands in between makes the write match nothing, and that count's own check releases instead.
     */
    async releaseIfDue(campaignId: string, at: Date): Promise<number | null> {
      const doc = await model.findById(campaignId).lean<DonorGeographyDocument>();
      const counts = countsOf(doc);
      if (!doc || !releaseDue(counts)) return null;
      const release = releaseOf(counts);
      const queued = queueMessages([
        outboxMessage(topics.donation, geographyReleasedEvent(campaignId, release, at)),
      ]);
      const result = await model.updateOne(
        { _id: campaignId, donors: counts.donors, release: counts.release },
        {
          $push: queued.$push,
          $set: { ...queued.$set, release: release.release, releasedDonors: counts.donors },
        },
      );
      return result.modifiedCount === 1 ? release.release : null;
    },

    async counts(campaignId: string): Promise<GeographyCounts> {
      return countsOf(await model.findById(campaignId).lean<DonorGeographyDocument>());
    },
  };
}

export type DonorGeographyStore = ReturnType<typeof createDonorGeographyStore>;
