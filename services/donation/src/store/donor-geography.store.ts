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
      const inc: Record<string, number> = { donors: 1 };
      if (countries.residence) inc[`residence.${countries.residence}`] = 1;
      if (countries.heritage) inc[`heritage.${countries.heritage}`] = 1;
      const outcome = await applyOnce.apply({
        model,
        documentId: campaignId,
        operationId: `donor-geography:${campaignId}:${donorKey}`,
        update: { $inc: inc },
        upsert: true,
      });
      return outcome === 'applied';
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
