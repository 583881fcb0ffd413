import { newId, topics } from '@aid/contracts';
import { eventually } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from './app.ts';
import { loadConfig } from './config.ts';
import { fundsAccountModel } from './store/funds-account.model.ts';
import { giftQueueModel, giftQueuePageModel } from './store/gift-queue.model.ts';
import { giftModel } from './store/gift.model.ts';
import type { NewGift } from './store/gifts.store.ts';
import {
  catchUpTimeoutMs,
  giftSucceeded,
  publishTwice,
  seedCampaign,
  startServiceUnderTest,
  type ServiceUnderTest,
} from './test-support/service-under-test.ts';
import type { UseCaseContext } from './use-cases/context.ts';
import { creditGifts } from './use-cases/credit-gift.ts';

let sut: ServiceUnderTest;
let context: UseCaseContext;

beforeAll(async () => {
  sut = await startServiceUnderTest(process.env.AID_TEST_LOG_LEVEL);
  const config = loadConfig({ KAFKA_BROKERS: '127.0.0.1:1', MONGO_URL: 'mongodb://127.0.0.1:1' });
  context = createContext(sut.service.deps, config);
}, catchUpTimeoutMs + 10_000);

afterAll(async () => {
  await sut.stop();
});

const giftsOf = (campaignId: string, count: number, amount = 1_000, fee = 30): NewGift[] =>
  Array.from({ length: count }, (_, index) => ({
    donationId: newId(),
    campaignId,
    currency: 'USD',
    amount: amount + index,
    fee,
    net: amount + index - fee,
    succeededAt: new Date(Date.UTC(2026, 0, 1) + index * 1_000),
  }));

const sum = (gifts: NewGift[], field: 'amount' | 'fee' | 'net') =>
  gifts.reduce((total, gift) => total + gift[field], 0);

async function account(campaignId: string) {
  return fundsAccountModel(sut.service.deps.db).findById(campaignId).lean();
}

/** The campaign's queue pages in order, each page's gift ids. */
async function queuePages(campaignId: string): Promise<string[][]> {
  const db = sut.service.deps.db;
  const head = await giftQueueModel(db).findById(`${campaignId}:USD`).lean();
  const pages: string[][] = [];
  for (let page = 0; page <= (head?.lastPage ?? -1); page += 1) {
    const found = await giftQueuePageModel(db).findById(`${campaignId}:USD:${page}`).lean();
    if (found) pages.push(found.gifts);
  }
  return pages;
}

describe('succeeded gifts are credited a group at a time, each exactly once', () => {
  it('when a burst of gifts arrives (each delivered twice), then the account holds each gift once and the queue lists each once, in pages of at most 256', async () => {
    const seeded = await seedCampaign(sut);
    const sent = Array.from({ length: 300 }, (_, index) => ({ donationId: newId(), amount: 2_000 + index }));
    const donationIds = sent.map((gift) => gift.donationId);
    const burst = sent.map((gift) => giftSucceeded(seeded.campaignId, { ...gift, fee: 50 }));
    await publishTwice(topics.donation, burst);
    const raised = sent.reduce((total, gift) => total + gift.amount, 0);
    await eventually(
      async () => {
        const funds = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.admin);
        expect(funds.body).toMatchObject({ raised, fees: 300 * 50, net: raised - 300 * 50 });
      },
      { timeoutMs: 30_000 },
    );
    const pages = await queuePages(seeded.campaignId);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(256);
    expect(pages.flat().sort()).toEqual([...donationIds].sort());
    expect((await account(seeded.campaignId))?.pendingOps).toEqual([]);
  });

  it('when groups follow one another, then new gifts fill the last page before the next opens, in the order they were credited', async () => {
    const campaignId = newId();
    const first = giftsOf(campaignId, 200);
    const second = giftsOf(campaignId, 200);
    await creditGifts(context, first);
    await creditGifts(context, second);
    const pages = await queuePages(campaignId);
    expect(pages.map((page) => page.length)).toEqual([256, 144]);
    expect(pages.flat()).toEqual([...first, ...second].map((gift) => gift.donationId));
    expect(await account(campaignId)).toMatchObject({
      raised: sum([...first, ...second], 'amount'),
      fees: sum([...first, ...second], 'fee'),
      net: sum([...first, ...second], 'net'),
      available: sum([...first, ...second], 'net'),
    });
  });

  it('when a group repeats gifts already credited, alone or in a group, then only the new ones move money', async () => {
    const campaignId = newId();
    const [alone, ...rest] = giftsOf(campaignId, 6) as [NewGift, ...NewGift[]];
    await creditGifts(context, [alone]);
    await creditGifts(context, rest.slice(0, 2));
    await creditGifts(context, [alone, ...rest, alone]);
    await creditGifts(context, [alone, ...rest]);
    expect(await account(campaignId)).toMatchObject({
      raised: sum([alone, ...rest], 'amount'),
      net: sum([alone, ...rest], 'net'),
      pendingOps: [],
    });
    const gifts = await giftModel(sut.service.deps.db)
      .find({ _id: { $in: [alone, ...rest].map((gift) => gift.donationId) } })
      .lean();
    expect(gifts.map((gift) => gift.remaining).sort()).toEqual(
      [alone, ...rest].map((gift) => gift.net).sort(),
    );
    expect((await queuePages(campaignId)).flat().sort()).toEqual(
      [alone, ...rest].map((gift) => gift.donationId).sort(),
    );
  });

  it('when a crash left a credit written but not recorded, then the next group finishes it without counting it twice', async () => {
    const campaignId = newId();
    const [credited, ...others] = giftsOf(campaignId, 4) as [NewGift, ...NewGift[]];
    await creditGifts(context, others.slice(0, 1));
    // What a crash between the account's write and its record leaves: the money moved, the operation pending.
    await context.gifts.recordNew([credited]);
    await fundsAccountModel(sut.service.deps.db).updateOne(
      { _id: campaignId },
      {
        $inc: { raised: credited.amount, fees: credited.fee, net: credited.net, available: credited.net },
        $push: { pendingOps: `gift:${credited.donationId}` },
      },
    );
    await creditGifts(context, [credited, ...others]);
    expect(await account(campaignId)).toMatchObject({
      raised: sum([credited, ...others], 'amount'),
      net: sum([credited, ...others], 'net'),
      available: sum([credited, ...others], 'net'),
      pendingOps: [],
    });
    const recorded = await sut.service.deps.db.collection('applied_operations').countDocuments({
      _id: { $in: [credited, ...others].map((gift) => `gift:${gift.donationId}`) } as never,
    });
    expect(recorded).toBe(4);
  });

  it('when a group holds a gift in another currency than its campaign, then it is refused whole and nothing is credited', async () => {
    const campaignId = newId();
    const [first, ...rest] = giftsOf(campaignId, 3) as [NewGift, ...NewGift[]];
    await creditGifts(context, [first]);
    const stranger = { ...(rest[0] as NewGift), currency: 'EUR' };
    await expect(creditGifts(context, [rest[1] as NewGift, stranger])).rejects.toThrow(/is in EUR/);
    expect(await account(campaignId)).toMatchObject({ raised: first.amount, net: first.net });
    expect((await queuePages(campaignId)).flat()).toEqual([first.donationId]);
  });
});
