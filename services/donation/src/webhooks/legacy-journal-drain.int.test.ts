import { newId } from '@aid/contracts';
import { connectDatabase, createApplyOnce, type OutboxMessage } from '@aid/store';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignTotalsStore } from '../store/campaign-totals.store.ts';
import { donationJournalModel } from '../store/donation-journal.model.ts';
import { donationModel } from '../store/donation.model.ts';
import { createLegacyJournal } from '../store/legacy-journal.store.ts';
import { drainLegacyJournal } from './legacy-journal-drain.ts';

describe('the journal an earlier version left unfolded', () => {
  let db: Connection;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('donation_legacy_journal'));
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when the service starts on it, then each batch reaches its donations and totals once, its events and receipts are owed, and it is gone; a second drain (another instance) changes nothing', async () => {
    const campaignId = newId();
    const [gift, other] = [newId(), newId()];
    await donationModel(db).collection.insertMany([
      { _id: gift, campaignId, status: 'pending', revision: 0, stripeEventIds: [] },
      { _id: other, campaignId, status: 'pending', revision: 0, stripeEventIds: [] },
    ] as never[]);
    const success = (donationId: string, stripeEventId: string) => ({
      kind: 'update' as const,
      donationId,
      fromRevision: 0,
      set: { status: 'succeeded' as const, fee: 103, net: 2397 },
      stripeEventId,
    });
    const delta = {
      campaignId,
      currency: 'USD',
      gifts: 1,
      raised: 2500,
      fees: 103,
      refunded: 0,
      disputed: 0,
      refundsReversed: 0,
    };
    const message = (id: string): OutboxMessage => ({
      id,
      topic: 'donation',
      key: campaignId,
      payload: `{"id":"${id}"}`,
      headers: {},
    });
    await donationJournalModel(db).collection.insertMany([
      {
        _id: 'j_000001733500000000_000000',
        changes: [success(gift, 'evt_1')],
        totals: [delta],
        mails: [gift],
        messages: [JSON.stringify(message('m1'))],
        createdAt: new Date(),
      },
      {
        _id: 'j_000001733500000001_000000',
        changes: [success(other, 'evt_2')],
        totals: [delta],
        mails: [],
        messages: [JSON.stringify(message('m2'))],
        createdAt: new Date(),
      },
    ] as never[]);

    const published: string[] = [];
    const owed: string[] = [];
    const drain = () =>
      drainLegacyJournal({
        journal: createLegacyJournal(db),
        totals: createCampaignTotalsStore(db, createApplyOnce(db)),
        oweReceipts: async (ids) => {
          owed.push(...ids);
        },
        publish: async (messages) => {
          published.push(...messages.map((sent) => sent.id));
        },
      });
    expect(await drain()).toBe(2);

    const docs = await donationModel(db)
      .find({ _id: { $in: [gift, other] } })
      .lean();
    expect(docs.map((doc) => [doc.status, doc.revision, doc.stripeEventIds])).toEqual([
      ['succeeded', 1, ['evt_1']],
      ['succeeded', 1, ['evt_2']],
    ]);
    const totals = createCampaignTotalsStore(db, createApplyOnce(db));
    expect(await totals.read(campaignId)).toMatchObject({ gifts: 2, raised: 5000, fees: 206 });
    expect(published).toEqual(['m1', 'm2']);
    expect(owed).toEqual([gift]);
    expect(await donationJournalModel(db).countDocuments()).toBe(0);

    // A batch drained already but still there (a crash before its removal) counts nothing again.
    await donationJournalModel(db).collection.insertOne({
      _id: 'j_000001733500000000_000000',
      changes: [success(gift, 'evt_1')],
      totals: [delta],
      mails: [],
      messages: [],
      createdAt: new Date(),
    } as never);
    expect(await drain()).toBe(1);
    expect(await totals.read(campaignId)).toMatchObject({ gifts: 2, raised: 5000 });
    expect((await donationModel(db).findById(gift).lean())?.revision).toBe(1);
  });
});
