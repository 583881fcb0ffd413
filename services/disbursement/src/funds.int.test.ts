import { newId, topics } from '@aid/contracts';
import { eventually } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignPublished,
  campaignSnapshot,
  disbursementRequest,
  disputeClosed,
  giftRefunded,
  giftSucceeded,
  memberAdded,
  publishTwice,
  refundReversed,
  seedCampaign,
  startServiceUnderTest,
  catchUpTimeoutMs,
  type ServiceUnderTest,
} from './test-support/service-under-test.ts';

let sut: ServiceUnderTest;

beforeAll(async () => {
  sut = await startServiceUnderTest(process.env.AID_TEST_LOG_LEVEL);
}, catchUpTimeoutMs + 10_000);

afterAll(async () => {
  await sut.stop();
});

const funds = async (campaignId: string, key: string) =>
  (await sut.call('GET', `/v1/campaigns/${campaignId}/funds`, key)).body;

describe('funds accounts', () => {
  it('when every gift is delivered twice, then the account credits each gift once', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [{ amount: 10_000, fee: 320 }, { amount: 2_500, fee: 103 }, { amount: 700 }],
    });
    // A later event proves the duplicates before it were all handled.
    await publishTwice(topics.donation, [giftSucceeded(seeded.campaignId, { amount: 1 })]);
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).raised).toBe(13_201),
    );
    expect(await funds(seeded.campaignId, seeded.keys.approver)).toEqual({
      campaignId: seeded.campaignId,
      currency: 'USD',
      raised: 13_201,
      fees: 423,
      refunded: 0,
      net: 12_778,
      allocated: 0,
      paidOut: 0,
      available: 12_778,
      overAllocated: 0,
      refundShortfall: 0,
    });
  });

  it('when a gift arrives before its campaign is known, then it is credited in the gift’s currency', async () => {
    const campaign = campaignSnapshot({ goal: { amount: 1_000_000, currency: 'EUR' } });
    await publishTwice(topics.donation, [
      giftSucceeded(campaign.campaignId, { amount: 4_000, fee: 100, currency: 'EUR' }),
    ]);
    const admin = memberAdded(campaign.organizationId, 'admin');
    await publishTwice(topics.campaign, [admin.event]);
    await eventually(async () =>
      expect((await sut.call('GET', `/v1/campaigns/${campaign.campaignId}/funds`, admin.key)).status).toBe(
        404,
      ),
    );
    await publishTwice(topics.campaign, [campaignPublished(campaign)]);
    await eventually(async () =>
      expect(await funds(campaign.campaignId, admin.key)).toMatchObject({
        currency: 'EUR',
        raised: 4_000,
        net: 3_900,
        available: 3_900,
      }),
    );
  });

  it('when a refund of an unallocated gift is delivered twice, then net and available drop once', async () => {
    const seeded = await seedCampaign(sut, { gifts: [{ amount: 5_000 }, { amount: 3_000 }] });
    const [first] = seeded.donationIds;
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, first!, 2_000)]);
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).refunded).toBe(2_000),
    );
    await publishTwice(topics.donation, [giftSucceeded(seeded.campaignId, { amount: 1 })]);
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).raised).toBe(8_001),
    );
    expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
      raised: 8_001,
      refunded: 2_000,
      net: 6_001,
      available: 6_001,
      refundShortfall: 0,
    });
    const tooMuch = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 6_002 }),
    );
    expect(tooMuch.status).toBe(409);
  });

  it('when refunded money was already allocated, then only the unallocated part comes off the gift, the rest is a shortfall, and the campaign’s unallocated money pays it', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 3_000, succeededAt: '2026-01-01T00:00:00.000Z' },
        { amount: 3_000, succeededAt: '2026-01-02T00:00:00.000Z' },
      ],
    });
    const requested = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 2_000 }),
    );
    const approved = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/approve`,
      seeded.keys.approver,
      { comment: 'ok' },
    );
    expect(approved.status).toBe(200);
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, seeded.donationIds[0]!, 3_000)]);
    await eventually(async () =>
      expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
        raised: 6_000,
        refunded: 1_000,
        refundShortfall: 2_000,
        net: 5_000,
        allocated: 2_000,
        // The second gift's 3,000 paid the donor the 2,000 the disbursement keeps: 1,000 is left.
        available: 1_000,
        overAllocated: 0,
      }),
    );
  });

  it('when refunded money was already allocated, then the public totals count the whole refund as the ledger does and show the shortfall within it', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 3_000, fee: 90, succeededAt: '2026-01-01T00:00:00.000Z' },
        { amount: 3_000, fee: 90, succeededAt: '2026-01-02T00:00:00.000Z' },
      ],
    });
    const requested = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 2_000 }),
    );
    expect(
      (
        await sut.call('POST', `/v1/disbursements/${requested.body.id}/approve`, seeded.keys.approver, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, seeded.donationIds[0]!, 2_910)]);
    await eventually(async () =>
      expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
        refunded: 910,
        refundShortfall: 2_000,
        net: 4_910,
        available: 910,
      }),
    );

    const response = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/totals`, undefined);
    expect(response.status).toBe(200);
    // The donor got all 2,910 back: refunded and net are the ledger's, and 2,000 of it is still owed back.
    expect(response.body).toEqual({
      campaignId: seeded.campaignId,
      currency: 'USD',
      raised: 6_000,
      fees: 180,
      refunded: 2_910,
      net: 2_910,
      allocated: 2_000,
      paidOut: 0,
      refundShortfall: 2_000,
    });
  });

  it('when a refund that created a shortfall fails (reported twice), then the shortfall is cleared and the unallocated part is available again', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 3_000, succeededAt: '2026-01-01T00:00:00.000Z' },
        { amount: 3_000, succeededAt: '2026-01-02T00:00:00.000Z' },
      ],
    });
    const requested = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 2_000 }),
    );
    expect(
      (
        await sut.call('POST', `/v1/disbursements/${requested.body.id}/approve`, seeded.keys.approver, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    const first = seeded.donationIds[0]!;
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, first, 3_000)]);
    await eventually(async () =>
      expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
        refunded: 1_000,
        refundShortfall: 2_000,
        net: 5_000,
        available: 1_000,
      }),
    );

    await publishTwice(topics.donation, [refundReversed(seeded.campaignId, first, 3_000)]);
    await publishTwice(topics.donation, [giftSucceeded(seeded.campaignId, { amount: 1 })]);
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).raised).toBe(6_001),
    );
    expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
      raised: 6_001,
      refunded: 0,
      refundShortfall: 0,
      net: 6_001,
      allocated: 2_000,
      available: 4_001,
    });
    // The gift is whole again: the next approval spends its unallocated 1,000 first.
    const next = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 1_500 }),
    );
    const approved = await sut.call(
      'POST',
      `/v1/disbursements/${next.body.id}/approve`,
      seeded.keys.approver,
      { comment: 'ok' },
    );
    expect(approved.body.allocations).toEqual([
      { donationId: first, amount: 1_000 },
      { donationId: seeded.donationIds[1], amount: 500 },
    ]);
  });

  it('when a failed refund is reported before its refund (each twice), then it is held, moves nothing, and the refund then moves nothing either', async () => {
    const seeded = await seedCampaign(sut, { gifts: [{ amount: 3_000 }] });
    const gift = seeded.donationIds[0]!;
    await publishTwice(topics.donation, [refundReversed(seeded.campaignId, gift, 2_000)]);
    await publishTwice(topics.donation, [giftSucceeded(seeded.campaignId, { amount: 1 })]);
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).raised).toBe(3_001),
    );
    // A gift never holds more than its net: the reversal ahead of its refund gives nothing back yet.
    expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
      refunded: 0,
      refundShortfall: 0,
      net: 3_001,
      available: 3_001,
    });

    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, gift, 2_000)]);
    await publishTwice(topics.donation, [giftSucceeded(seeded.campaignId, { amount: 2 })]);
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).raised).toBe(3_003),
    );
    expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
      refunded: 0,
      refundShortfall: 0,
      net: 3_003,
      allocated: 0,
      available: 3_003,
    });
    const { body } = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/totals`, undefined);
    expect(body).toMatchObject({ raised: 3_003, refunded: 0, net: 3_003 });
  });

  it('when a disbursement whose gift was refunded is cancelled, then its released slice pays the shortfall first and money is conserved', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 3_000, succeededAt: '2026-01-01T00:00:00.000Z' },
        { amount: 3_000, succeededAt: '2026-01-02T00:00:00.000Z' },
      ],
    });
    const requested = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 2_000 }),
    );
    expect(
      (
        await sut.call('POST', `/v1/disbursements/${requested.body.id}/approve`, seeded.keys.approver, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    const first = seeded.donationIds[0]!;
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, first, 3_000)]);
    await eventually(async () =>
      expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({ refundShortfall: 2_000 }),
    );

    const cancelled = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/cancel`,
      seeded.keys.admin,
      { comment: 'partner closed' },
    );
    expect(cancelled.status).toBe(200);
    // The released 2,000 had already gone back to the donor: refunded now counts all 3,000 and nothing is owed.
    expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
      raised: 6_000,
      refunded: 3_000,
      refundShortfall: 0,
      net: 3_000,
      allocated: 0,
      available: 3_000,
    });
    const tooMuch = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 3_001 }),
    );
    expect(tooMuch.status).toBe(409);
    const next = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 3_000 }),
    );
    const approved = await sut.call(
      'POST',
      `/v1/disbursements/${next.body.id}/approve`,
      seeded.keys.approver,
      { comment: 'ok' },
    );
    expect(approved.body.allocations).toEqual([{ donationId: seeded.donationIds[1], amount: 3_000 }]);

    // The refund then fails: all of it comes back to the first gift, unallocated.
    await publishTwice(topics.donation, [refundReversed(seeded.campaignId, first, 3_000)]);
    await eventually(async () =>
      expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
        refunded: 0,
        refundShortfall: 0,
        net: 6_000,
        allocated: 3_000,
        available: 3_000,
      }),
    );
  });

  it('when the bank refunds a whole gift and another gift’s dispute is lost (each reported twice), then the fees Stripe kept are not available and no disbursement can allocate them', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 20_000, fee: 610, succeededAt: '2026-01-01T00:00:00.000Z' },
        { amount: 15_000, fee: 465, succeededAt: '2026-01-02T00:00:00.000Z' },
        { amount: 10_000, fee: 378, succeededAt: '2026-01-03T00:00:00.000Z' },
      ],
    });
    const [refundedGift, disputedGift] = seeded.donationIds;
    // Both give back the gross amount: the gift only brought its net, so the fee comes out of the campaign.
    await publishTwice(topics.donation, [
      giftRefunded(seeded.campaignId, refundedGift!, 20_000),
      disputeClosed(seeded.campaignId, disputedGift!, 15_000, 'lost'),
    ]);
    await eventually(async () =>
      expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({ refundShortfall: 1_075 }),
    );
    expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
      raised: 45_000,
      fees: 1_453,
      refunded: 33_925,
      net: 9_622,
      allocated: 0,
      available: 8_547,
      overAllocated: 0,
    });

    const tooMuch = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 9_622 }),
    );
    expect(tooMuch.status).toBe(409);
    const requested = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 8_547 }),
    );
    expect(requested.status).toBe(201);
    const approved = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/approve`,
      seeded.keys.approver,
      { comment: 'ok' },
    );
    expect(approved.status).toBe(200);
    const { body } = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/totals`, undefined);
    expect(body).toMatchObject({
      raised: 45_000,
      fees: 1_453,
      refunded: 35_000,
      net: 8_547,
      allocated: 8_547,
    });
  });

  it('when refunds of allocated money leave nothing to pay their shortfall, then it shows as over-allocated and the next gifts pay it before anything is available', async () => {
    const seeded = await seedCampaign(sut, { gifts: [{ amount: 3_000, fee: 100 }] });
    const requested = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 2_900 }),
    );
    expect(
      (
        await sut.call('POST', `/v1/disbursements/${requested.body.id}/approve`, seeded.keys.approver, {
          comment: 'ok',
        })
      ).status,
    ).toBe(200);
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, seeded.donationIds[0]!, 3_000)]);
    await eventually(async () =>
      expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
        refundShortfall: 3_000,
        available: 0,
        overAllocated: 3_000,
      }),
    );

    await publishTwice(topics.donation, [giftSucceeded(seeded.campaignId, { amount: 3_500 })]);
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).raised).toBe(6_500),
    );
    expect(await funds(seeded.campaignId, seeded.keys.admin)).toMatchObject({
      available: 500,
      overAllocated: 0,
    });
    const tooMuch = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 501 }),
    );
    expect(tooMuch.status).toBe(409);
  });

  it('when the campaign is a draft, then its public totals answer 404 as an unknown campaign does, until it is published', async () => {
    const draft = campaignSnapshot({ status: 'draft', publishedAt: null, revision: 1 });
    const admin = memberAdded(draft.organizationId, 'admin');
    await publishTwice(topics.campaign, [campaignPublished(draft), admin.event]);
    // The admin sees the draft's account: the service knows the campaign, and still tells the public nothing.
    await eventually(async () =>
      expect((await sut.call('GET', `/v1/campaigns/${draft.campaignId}/funds`, admin.key)).status).toBe(200),
    );
    const response = await sut.call('GET', `/v1/campaigns/${draft.campaignId}/totals`, undefined);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'campaign-not-found', field: 'campaignId' });
    await publishTwice(topics.campaign, [
      campaignPublished({ ...draft, status: 'active', publishedAt: new Date().toISOString(), revision: 2 }),
    ]);
    await eventually(async () =>
      expect((await sut.call('GET', `/v1/campaigns/${draft.campaignId}/totals`, undefined)).status).toBe(200),
    );
  });

  it('when a member of another organization reads the funds, then the campaign is not found', async () => {
    const seeded = await seedCampaign(sut);
    const other = await seedCampaign(sut);
    const response = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, other.keys.admin);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'campaign-not-found' });
  });

  it('when anyone reads a campaign’s public totals, then they match the account without its private figures', async () => {
    const seeded = await seedCampaign(sut, {
      gifts: [
        { amount: 5_000, fee: 150 },
        { amount: 1_200, fee: 40 },
      ],
    });
    await eventually(async () =>
      expect((await funds(seeded.campaignId, seeded.keys.admin)).raised).toBe(6_200),
    );
    const response = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/totals`, undefined);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      campaignId: seeded.campaignId,
      currency: 'USD',
      raised: 6_200,
      fees: 190,
      refunded: 0,
      net: 6_010,
      allocated: 0,
      paidOut: 0,
      refundShortfall: 0,
    });
  });

  it('when the public totals of an unknown campaign are read, then the answer is a 404 naming the campaign', async () => {
    const response = await sut.call('GET', `/v1/campaigns/${newId()}/totals`, undefined);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'campaign-not-found', field: 'campaignId' });
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown API key', 'key_not_issued'],
  ])('when the request has %s, then it is unauthenticated', async (_name, key) => {
    const seeded = await seedCampaign(sut);
    const response = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, key);
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ field: 'authorization' });
  });
});
