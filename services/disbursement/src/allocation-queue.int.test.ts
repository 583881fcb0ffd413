import { newId, topics } from '@aid/contracts';
import { eventually, operationsOf, servedById } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundsAccountModel } from './store/funds-account.model.ts';
import { giftModel } from './store/gift.model.ts';
import {
  catchUpTimeoutMs,
  disbursementRequest,
  giftRefunded,
  publishTwice,
  refundReversed,
  seedCampaign,
  startServiceUnderTest,
  type SeededCampaign,
  type ServiceUnderTest,
} from './test-support/service-under-test.ts';

let sut: ServiceUnderTest;

beforeAll(async () => {
  sut = await startServiceUnderTest(process.env.AID_TEST_LOG_LEVEL);
}, catchUpTimeoutMs + 10_000);

afterAll(async () => {
  await sut.stop();
});

const day = (n: number) => `2026-01-0${n}T10:00:00.000Z`;

async function approve(seeded: SeededCampaign, amount: number) {
  const requested = await sut.call(
    'POST',
    '/v1/disbursements',
    seeded.keys.officer,
    disbursementRequest(seeded.campaignId, { amount }),
  );
  expect(requested.status).toBe(201);
  const approved = await sut.call(
    'POST',
    `/v1/disbursements/${requested.body.id}/approve`,
    seeded.keys.approver,
    { comment: 'checked' },
  );
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return approved.body as { id: string; allocations: { donationId: string; amount: number }[] };
}

const slices = (approved: { allocations: { donationId: string; amount: number }[] }) =>
  approved.allocations.map(({ donationId, amount }) => ({ donationId, amount }));
const available = async (seeded: SeededCampaign) =>
  (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.admin)).body
    .available as number;

describe('allocation reads a campaign’s queue of gifts, not its gifts collection', () => {
  it('when a disbursement is approved, then every read and write of gifts is by _id', async () => {
    // Gifts of other campaigns around: a query on the campaign would read them all on the local database.
    await seedCampaign(sut, { gifts: Array.from({ length: 30 }, () => ({ amount: 1_000 })) });
    const seeded = await seedCampaign(sut, {
      gifts: Array.from({ length: 12 }, (_, n) => ({ amount: 1_000, succeededAt: day(1 + (n % 9)) })),
    });
    const operations = await operationsOf(sut.service.deps.db, () => approve(seeded, 2_500));
    const onGifts = operations.filter((operation) => operation.collection.startsWith('gift'));
    expect(onGifts.length).toBeGreaterThan(0);
    expect(onGifts.filter((operation) => !servedById(operation))).toEqual([]);
  });

  it('when an approved disbursement is cancelled, then its slices are spent first again and nothing is left unfindable', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 3_000, succeededAt: day(1) },
        { amount: 5_000, succeededAt: day(2) },
        { amount: 4_000, succeededAt: day(3) },
      ],
    });
    const [oldest, middle, newest] = seeded.donationIds;
    const first = await approve(seeded, 6_500);
    expect(slices(first)).toEqual([
      { donationId: oldest, amount: 3_000 },
      { donationId: middle, amount: 3_500 },
    ]);
    const cancelled = await sut.call('POST', `/v1/disbursements/${first.id}/cancel`, seeded.keys.admin, {
      comment: 'supplier fell through',
    });
    expect(cancelled.status).toBe(200);

    expect(slices(await approve(seeded, 2_000))).toEqual([{ donationId: oldest, amount: 2_000 }]);
    expect(slices(await approve(seeded, 10_000))).toEqual([
      { donationId: oldest, amount: 1_000 },
      { donationId: middle, amount: 5_000 },
      { donationId: newest, amount: 4_000 },
    ]);
    expect(await available(seeded)).toBe(0);
  });

  it('when a refund of a gift already passed over fails at the bank, then its money is found by the next approval', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 3_000, succeededAt: day(1) },
        { amount: 5_000, succeededAt: day(2) },
      ],
    });
    const [refunded, kept] = seeded.donationIds;
    const refundId = `re_${newId()}`;
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, refunded!, 3_000, 'USD', refundId)]);
    await eventually(async () => expect(await available(seeded)).toBe(5_000));
    expect(slices(await approve(seeded, 2_000))).toEqual([{ donationId: kept, amount: 2_000 }]);

    await publishTwice(topics.donation, [
      refundReversed(seeded.campaignId, refunded!, 3_000, 'USD', refundId),
    ]);
    await eventually(async () => expect(await available(seeded)).toBe(6_000));
    expect(slices(await approve(seeded, 6_000))).toEqual([
      { donationId: refunded, amount: 3_000 },
      { donationId: kept, amount: 3_000 },
    ]);
  });

  it('when a campaign was credited before queues existed, then its gifts with money are queued oldest first at the next approval', async () => {
    const seeded = await seedCampaign(sut);
    const db = sut.service.deps.db;
    const gifts = [
      { _id: newId(), succeededAt: new Date(day(2)), remaining: 4_000 },
      { _id: newId(), succeededAt: new Date(day(1)), remaining: 2_000 },
      { _id: newId(), succeededAt: new Date(day(3)), remaining: 0 },
    ];
    await giftModel(db).insertMany(
      gifts.map((gift) => ({
        ...gift,
        campaignId: seeded.campaignId,
        currency: 'USD',
        amount: 4_000,
        fee: 0,
        net: 4_000,
        pendingOps: [],
      })),
    );
    await fundsAccountModel(db).create({
      _id: seeded.campaignId,
      currency: 'USD',
      raised: 12_000,
      fees: 0,
      refunded: 0,
      net: 12_000,
      allocated: 6_000,
      paidOut: 0,
      available: 6_000,
      refundShortfall: 0,
      pendingOps: [],
    });
    expect(slices(await approve(seeded, 5_000))).toEqual([
      { donationId: gifts[1]!._id, amount: 2_000 },
      { donationId: gifts[0]!._id, amount: 3_000 },
    ]);
  });
});
