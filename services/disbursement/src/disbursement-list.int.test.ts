import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catchUpTimeoutMs,
  disbursementRequest,
  seedCampaign,
  startServiceUnderTest,
  type ServiceUnderTest,
} from './test-support/service-under-test.ts';

let sut: ServiceUnderTest;

beforeAll(async () => {
  sut = await startServiceUnderTest(process.env.AID_TEST_LOG_LEVEL);
}, catchUpTimeoutMs + 10_000);

afterAll(async () => {
  await sut.stop();
});

describe('a campaign’s disbursements', () => {
  it('when several are requested, then members of its organization page through them newest first, and others find no campaign', async () => {
    const seeded = await seedCampaign(sut, { gifts: [{ amount: 50_000 }] });
    const requested: string[] = [];
    for (const amount of [1_000, 2_000, 3_000]) {
      const created = await sut.call(
        'POST',
        '/v1/disbursements',
        seeded.keys.officer,
        disbursementRequest(seeded.campaignId, { amount }),
      );
      expect(created.status).toBe(201);
      requested.push(created.body.id);
    }
    // A retried request under the same key is listed once.
    const retried = { 'idempotency-key': 'list-retry-1' };
    const first = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.admin,
      disbursementRequest(seeded.campaignId, { amount: 4_000 }),
      retried,
    );
    const again = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.admin,
      disbursementRequest(seeded.campaignId, { amount: 4_000 }),
      retried,
    );
    expect(again.body.id).toBe(first.body.id);
    requested.push(first.body.id);

    const firstPage = await sut.call(
      'GET',
      `/v1/campaigns/${seeded.campaignId}/disbursements?limit=3`,
      seeded.keys.approver,
    );
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.disbursements.map((d: { id: string }) => d.id)).toEqual([
      requested[3],
      requested[2],
      requested[1],
    ]);
    expect(firstPage.body.disbursements[0]).toMatchObject({
      amount: 4_000,
      status: 'requested',
      campaignId: seeded.campaignId,
    });
    expect(firstPage.body.next).toBe(requested[1]);
    const lastPage = await sut.call(
      'GET',
      `/v1/campaigns/${seeded.campaignId}/disbursements?limit=3&after=${firstPage.body.next}`,
      seeded.keys.officer,
    );
    expect(lastPage.body).toMatchObject({ disbursements: [{ id: requested[0], amount: 1_000 }], next: null });

    // An approval shows in the list as it does on the disbursement itself.
    expect(
      (await sut.call('POST', `/v1/disbursements/${requested[0]}/approve`, seeded.keys.approver, {})).status,
    ).toBe(200);
    const afterApproval = await sut.call(
      'GET',
      `/v1/campaigns/${seeded.campaignId}/disbursements?after=${requested[1]}`,
      seeded.keys.admin,
    );
    expect(afterApproval.body.disbursements).toEqual([
      expect.objectContaining({ id: requested[0], status: 'approved' }),
    ]);

    const other = await seedCampaign(sut);
    const stranger = await sut.call(
      'GET',
      `/v1/campaigns/${seeded.campaignId}/disbursements`,
      other.keys.admin,
    );
    expect(stranger.status).toBe(404);
    expect(stranger.body.code).toBe('campaign-not-found');
    expect(
      (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/disbursements`, undefined)).status,
    ).toBe(401);
  });

  it('when a campaign has none yet, then its list is empty', async () => {
    const seeded = await seedCampaign(sut);
    const listed = await sut.call(
      'GET',
      `/v1/campaigns/${seeded.campaignId}/disbursements`,
      seeded.keys.officer,
    );
    expect(listed).toMatchObject({ status: 200, body: { disbursements: [], next: null } });
  });
});
