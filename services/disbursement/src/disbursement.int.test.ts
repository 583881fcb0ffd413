import { topics } from '@aid/contracts';
import { eventually } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisbursementStore } from './store/disbursements.store.ts';
import { fundsAccountModel } from './store/funds-account.model.ts';
import { createFundsAccountStore } from './store/funds-accounts.store.ts';
import { createGiftStore } from './store/gifts.store.ts';
import {
  disbursementRequest,
  eventsOf,
  giftRefunded,
  publishTwice,
  seedCampaign,
  startServiceUnderTest,
  catchUpTimeoutMs,
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

const fifoGifts = [
  { amount: 3_000, fee: 0, succeededAt: '2026-01-01T10:00:00.000Z' },
  { amount: 5_000, fee: 0, succeededAt: '2026-01-02T10:00:00.000Z' },
  { amount: 4_000, fee: 0, succeededAt: '2026-01-03T10:00:00.000Z' },
];

async function request(
  seeded: SeededCampaign,
  overrides: Record<string, unknown> = {},
  key = seeded.keys.officer,
) {
  return sut.call('POST', '/v1/disbursements', key, disbursementRequest(seeded.campaignId, overrides));
}

async function requestApproved(seeded: SeededCampaign, amount: number) {
  const requested = await request(seeded, { amount });
  expect(requested.status).toBe(201);
  const approved = await sut.call(
    'POST',
    `/v1/disbursements/${requested.body.id}/approve`,
    seeded.keys.approver,
    { comment: 'checked' },
  );
  expect(approved.status).toBe(200);
  return approved.body as { id: string };
}

const funds = async (seeded: SeededCampaign) =>
  (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.admin)).body;

describe('the disbursement lifecycle', () => {
  it('when a request is approved, paid and delivered, then allocations follow FIFO, splitting a gift, and every step is published', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const [oldest, middle] = seeded.donationIds;

    const requested = await request(seeded, { amount: 6_500 });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({
      status: 'requested',
      amount: 6_500,
      currency: 'USD',
      requestedBy: seeded.members.officer,
      allocations: [],
    });
    const id = requested.body.id as string;

    const approved = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, {
      comment: 'budget checked',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      allocations: [
        { donationId: oldest, amount: 3_000 },
        { donationId: middle, amount: 3_500 },
      ],
      approvals: [{ memberId: seeded.members.approver, comment: 'budget checked' }],
    });
    expect(await funds(seeded)).toMatchObject({
      net: 12_000,
      allocated: 6_500,
      available: 5_500,
      paidOut: 0,
    });

    const paid = await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, {
      reference: 'WIRE-2026-0042',
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({
      status: 'paid',
      payout: { reference: 'WIRE-2026-0042', paidBy: seeded.members.admin },
    });
    expect(await funds(seeded)).toMatchObject({ allocated: 6_500, paidOut: 6_500 });

    const delivery = {
      deliveredAt: '2026-02-01T09:30:00Z',
      beneficiaries: 412,
      description: '400 family kits of water purification tablets',
      location: { country: 'PK', area: 'Dadu district, Sindh' },
      evidence: [{ name: 'distribution-list.pdf', sha256: 'a'.repeat(64) }],
    };
    const delivered = await sut.call(
      'POST',
      `/v1/disbursements/${id}/deliveries`,
      seeded.keys.officer,
      delivery,
    );
    expect(delivered.status).toBe(201);
    expect(delivered.body).toMatchObject({
      ...delivery,
      deliveredAt: '2026-02-01T09:30:00.000Z',
      disbursementId: id,
      reportedBy: seeded.members.officer,
    });
    expect(delivered.body.id).toEqual(expect.any(String));

    const read = await sut.call('GET', `/v1/disbursements/${id}`, seeded.keys.approver2);
    expect(read.body).toMatchObject({
      status: 'delivered',
      deliveries: [{ id: delivered.body.id, beneficiaries: 412 }],
    });

    await eventually(() =>
      expect(eventsOf(sut, seeded.campaignId).map((event) => event.type)).toEqual([
        'org.diaspora-aid.disbursement.requested',
        'org.diaspora-aid.disbursement.approved',
        'org.diaspora-aid.disbursement.allocated',
        'org.diaspora-aid.disbursement.allocated',
        'org.diaspora-aid.disbursement.paid',
        'org.diaspora-aid.disbursement.delivered',
      ]),
    );
    const events = eventsOf(sut, seeded.campaignId);
    expect(events.map((event) => (event as unknown as { source: string }).source)).toEqual(
      Array(6).fill('/services/disbursement'),
    );
    expect(events.filter((event) => event.type.endsWith('.allocated')).map((event) => event.data)).toEqual([
      expect.objectContaining({ disbursementId: id, donationId: oldest, amount: 3_000, currency: 'USD' }),
      expect.objectContaining({ disbursementId: id, donationId: middle, amount: 3_500, currency: 'USD' }),
    ]);
    expect(events[4]?.data).toMatchObject({
      reference: 'WIRE-2026-0042',
      recipient: { name: 'Dadu Women’s Water Committee', country: 'PK', local: true },
    });
  });

  it('when a second disbursement is approved, then it continues where the first left the split gift', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const [, middle, newest] = seeded.donationIds;
    await requestApproved(seeded, 6_500);
    const second = await requestApproved(seeded, 2_000);
    expect(second).toMatchObject({
      allocations: [
        { donationId: middle, amount: 1_500 },
        { donationId: newest, amount: 500 },
      ],
    });
  });

  it('when the requester approves their own request, then maker-checker refuses it', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const requested = await request(seeded, {}, seeded.keys.admin);
    const response = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/approve`,
      seeded.keys.admin,
      { comment: 'mine' },
    );
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'requester-cannot-approve' });
    const rejectOwn = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/reject`,
      seeded.keys.admin,
      { comment: 'mine' },
    );
    expect(rejectOwn.status).toBe(403);
    expect((await funds(seeded)).allocated).toBe(0);
  });

  it('when a field officer approves, then the role is not allowed', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const requested = await request(seeded, {}, seeded.keys.admin);
    const response = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/approve`,
      seeded.keys.officer,
      { comment: '' },
    );
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'role-not-allowed' });
  });

  it('when another organization reads, approves or requests against a campaign, then it is not found', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const other = await seedCampaign(sut);
    const requested = await request(seeded);
    const id = requested.body.id as string;
    expect((await sut.call('GET', `/v1/disbursements/${id}`, other.keys.admin)).status).toBe(404);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/approve`, other.keys.approver, { comment: '' }))
        .status,
    ).toBe(404);
    const foreignRequest = await request(seeded, {}, other.keys.officer);
    expect(foreignRequest.status).toBe(404);
    expect(foreignRequest.body).toMatchObject({ code: 'campaign-not-found', field: 'campaignId' });
  });

  it('when a request asks for more than is available, then it is refused naming amount and the available funds', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const response = await request(seeded, { amount: 12_001 });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ code: 'insufficient-funds', field: 'amount' });
    expect(response.body.detail).toContain('12000');
  });

  it.each([
    [
      'the currency differs from the campaign’s',
      {},
      { currency: 'EUR' },
      422,
      'currency-mismatch',
      'currency',
    ],
    ['the campaign is closed', { status: 'closed' as const }, {}, 409, 'campaign-not-active', 'campaignId'],
    ['the campaign is a draft', { status: 'draft' as const }, {}, 409, 'campaign-not-active', 'campaignId'],
  ])('when %s, then the request is refused', async (_name, campaign, overrides, status, code, field) => {
    const seeded = await seedCampaign(sut, { campaign });
    const response = await request(seeded, overrides);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ code, field });
  });

  it('when an approver requests, then the role is not allowed', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const response = await request(seeded, {}, seeded.keys.approver);
    expect(response.status).toBe(403);
  });

  it('when a request is rejected, then it cannot be approved and no money moves', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const requested = await request(seeded);
    const rejected = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/reject`,
      seeded.keys.approver,
      { comment: 'no invoice' },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({
      status: 'rejected',
      rejection: { memberId: seeded.members.approver, comment: 'no invoice' },
    });
    const approve = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/approve`,
      seeded.keys.approver2,
      { comment: '' },
    );
    expect(approve.status).toBe(409);
    expect(approve.body).toMatchObject({ code: 'invalid-status' });
    expect(await funds(seeded)).toMatchObject({ allocated: 0, available: 12_000 });
    await eventually(() =>
      expect(eventsOf(sut, seeded.campaignId).map((event) => event.type)).toContain(
        'org.diaspora-aid.disbursement.rejected',
      ),
    );
  });

  it('when an approved disbursement is approved again, then it is refused and nothing is allocated twice', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const approved = await requestApproved(seeded, 4_000);
    const again = await sut.call('POST', `/v1/disbursements/${approved.id}/approve`, seeded.keys.approver2, {
      comment: '',
    });
    expect(again.status).toBe(409);
    expect(await funds(seeded)).toMatchObject({ allocated: 4_000, available: 8_000 });
  });

  it('when payouts and deliveries come out of order or from the wrong role, then they are refused', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const requested = await request(seeded);
    const id = requested.body.id as string;
    const delivery = {
      deliveredAt: '2026-02-01T00:00:00Z',
      beneficiaries: 1,
      description: 'kits',
      location: { country: 'PK', area: 'Dadu' },
      evidence: [],
    };
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'R1' }))
        .status,
    ).toBe(409);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/deliveries`, seeded.keys.officer, delivery)).status,
    ).toBe(409);
    await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, { comment: '' });
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.approver, { reference: 'R1' }))
        .status,
    ).toBe(403);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'R1' }))
        .status,
    ).toBe(200);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'R1' }))
        .status,
    ).toBe(409);
    expect((await funds(seeded)).paidOut).toBe(1_000);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/deliveries`, seeded.keys.approver, delivery)).status,
    ).toBe(403);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/deliveries`, seeded.keys.officer, delivery)).status,
    ).toBe(201);
    expect(
      (
        await sut.call('POST', `/v1/disbursements/${id}/deliveries`, seeded.keys.admin, {
          ...delivery,
          beneficiaries: 2,
        })
      ).status,
    ).toBe(201);
    const read = await sut.call('GET', `/v1/disbursements/${id}`, seeded.keys.officer);
    expect(read.body.deliveries).toHaveLength(2);
  });

  it('when 20 approvals that together exceed the funds run at once, then exactly the affordable ones succeed', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const amounts = Array.from({ length: 20 }, (_, index) => 1_000 + (index % 3) * 500);
    const ids: string[] = [];
    for (const amount of amounts) ids.push((await request(seeded, { amount })).body.id as string);
    const responses = await Promise.all(
      ids.map((id, index) =>
        sut.call(
          'POST',
          `/v1/disbursements/${id}/approve`,
          index % 2 ? seeded.keys.approver : seeded.keys.approver2,
          { comment: '' },
        ),
      ),
    );
    const approvedAmounts = responses.flatMap((response, index) =>
      response.status === 200 ? [amounts[index]!] : [],
    );
    const approvedTotal = approvedAmounts.reduce((sum, amount) => sum + amount, 0);
    for (const response of responses) expect([200, 409]).toContain(response.status);
    for (const response of responses.filter((entry) => entry.status === 409))
      expect(response.body).toMatchObject({ code: 'insufficient-funds' });
    expect(approvedTotal).toBeLessThanOrEqual(12_000);
    // Every refused one was refused for want of money: none of them would have fitted in what was left.
    const refusedAmounts = responses.flatMap((response, index) =>
      response.status === 409 ? [amounts[index]!] : [],
    );
    for (const amount of refusedAmounts) expect(amount).toBeGreaterThan(12_000 - approvedTotal);
    expect(await funds(seeded)).toMatchObject({
      net: 12_000,
      allocated: approvedTotal,
      available: 12_000 - approvedTotal,
    });
    const allocations = responses
      .filter((response) => response.status === 200)
      .flatMap((response) => response.body.allocations as { amount: number }[]);
    expect(allocations.reduce((sum, allocation) => sum + allocation.amount, 0)).toBe(approvedTotal);
    for (const [index, id] of ids.entries()) {
      const read = await sut.call('GET', `/v1/disbursements/${id}`, seeded.keys.admin);
      expect(read.body.status).toBe(responses[index]?.status === 200 ? 'approved' : 'requested');
    }
  });

  it('when a refund leaves too little for a pending request, then its approval is refused and it stays requested', async () => {
    const seeded = await seedCampaign(sut, { gifts: [{ amount: 5_000 }] });
    const requested = await request(seeded, { amount: 4_000 });
    await publishTwice(topics.donation, [giftRefunded(seeded.campaignId, seeded.donationIds[0]!, 2_000)]);
    await eventually(async () => expect((await funds(seeded)).available).toBe(3_000));
    const approve = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/approve`,
      seeded.keys.approver,
      { comment: '' },
    );
    expect(approve.status).toBe(409);
    expect(approve.body).toMatchObject({ code: 'insufficient-funds', field: 'amount' });
    expect(
      (await sut.call('GET', `/v1/disbursements/${requested.body.id}`, seeded.keys.admin)).body.status,
    ).toBe('requested');
  });

  it('when an approval was interrupted after reserving and allocating part of it, then asking again completes it without double spending', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const requested = await request(seeded, { amount: 6_500 });
    const id = requested.body.id as string;
    const { db, applyOnce } = sut.service.deps;
    // The first two steps of an approval, as a crashed process would have left them.
    await createDisbursementStore(db).markApproving(id, seeded.members.approver);
    await createFundsAccountStore(db, applyOnce).reserve(seeded.campaignId, id, 6_500);
    await createGiftStore(db, applyOnce).allocateSlice(id, {
      donationId: seeded.donationIds[0]!,
      amount: 3_000,
    });

    const resumed = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, {
      comment: 'resumed',
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.allocations).toEqual([
      { donationId: seeded.donationIds[0], amount: 3_000 },
      { donationId: seeded.donationIds[1], amount: 3_500 },
    ]);
    expect(await funds(seeded)).toMatchObject({ allocated: 6_500, available: 5_500 });
  });

  it('when an approval was interrupted after reserving through the operation log, then asking again does not reserve a second time', async () => {
    const seeded = await seedCampaign(sut, { gifts: fifoGifts });
    const requested = await request(seeded, { amount: 6_500 });
    const id = requested.body.id as string;
    const { db, applyOnce } = sut.service.deps;
    // How the account recorded a reservation before reservations named their disbursement on it.
    await createDisbursementStore(db).markApproving(id, seeded.members.approver);
    await applyOnce.apply({
      model: fundsAccountModel(db),
      documentId: seeded.campaignId,
      operationId: `reserve:${id}`,
      update: { $inc: { allocated: 6_500 }, $set: { available: 5_500, overAllocated: 0 } },
    });

    const resumed = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, {
      comment: 'resumed',
    });
    expect(resumed.status).toBe(200);
    expect(await funds(seeded)).toMatchObject({ allocated: 6_500, available: 5_500 });
  });

  it('when many approvals have finished, then the account names only a bounded number of reservations', async () => {
    const seeded = await seedCampaign(sut, { gifts: [{ amount: 100_000 }] });
    for (let index = 0; index < 20; index += 1) await requestApproved(seeded, 1_000);
    const account = await fundsAccountModel(sut.service.deps.db).findById(seeded.campaignId).lean();
    expect(Object.keys(account?.reservations ?? {}).length).toBeLessThanOrEqual(16);
    expect(await funds(seeded)).toMatchObject({ allocated: 20_000 });
  });
});

describe('request validation', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['amount is missing', 'amount', { amount: undefined }],
    ['amount is fractional', 'amount', { amount: 10.5 }],
    ['amount is zero', 'amount', { amount: 0 }],
    ['amount is negative', 'amount', { amount: -5 }],
    ['amount is a string', 'amount', { amount: '1000' }],
    ['currency is lower case', 'currency', { currency: 'usd' }],
    ['currency is not ISO 4217', 'currency', { currency: 'ABC' }],
    ['campaignId is missing', 'campaignId', { campaignId: undefined }],
    [
      'recipient country is not ISO 3166',
      'recipient.country',
      { recipient: { name: 'Partner', country: 'Pakistan', local: true } },
    ],
    [
      'recipient country is two letters but no country',
      'recipient.country',
      { recipient: { name: 'Partner', country: 'ZZ', local: true } },
    ],
    ['recipient local is missing', 'recipient.local', { recipient: { name: 'Partner', country: 'PK' } }],
    ['recipient name is blank', 'recipient.name', { recipient: { name: '  ', country: 'PK', local: true } }],
    ['purpose is empty', 'purpose', { purpose: '' }],
    ['sector is missing', 'sector', { sector: undefined }],
  ])('when %s, then the request is a 400 naming %s', async (_name, field, overrides) => {
    const seeded = await seedCampaign(sut);
    const response = await request(seeded, overrides);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation-failed' });
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['deliveredAt is not a date', 'deliveredAt', { deliveredAt: 'yesterday' }],
    ['beneficiaries is negative', 'beneficiaries', { beneficiaries: -1 }],
    ['location area is missing', 'location.area', { location: { country: 'PK' } }],
    [
      'location country is two letters but no country',
      'location.country',
      { location: { country: 'AA', area: 'Dadu' } },
    ],
    [
      'an evidence hash is not SHA-256',
      'evidence.0.sha256',
      { evidence: [{ name: 'photo.jpg', sha256: 'abc' }] },
    ],
  ])('when a delivery report says %s, then it is a 400 naming %s', async (_name, field, overrides) => {
    const seeded = await seedCampaign(sut);
    const body = {
      deliveredAt: '2026-02-01T00:00:00Z',
      beneficiaries: 3,
      description: 'kits',
      location: { country: 'PK', area: 'Dadu' },
      evidence: [],
      ...overrides,
    };
    const response = await sut.call(
      'POST',
      '/v1/disbursements/01a20bd4-cfbf-7004-8f1c-1886e6ed1273/deliveries',
      seeded.keys.officer,
      body,
    );
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('when a Stripe Connect payout is asked for without Stripe configured, then it is a 422 naming method', async () => {
    const seeded = await seedCampaign(sut, { gifts: [{ amount: 2_000 }] });
    const requested = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 1_000 }),
    );
    await sut.call('POST', `/v1/disbursements/${requested.body.id}/approve`, seeded.keys.approver, {
      comment: '',
    });
    const response = await sut.call(
      'POST',
      `/v1/disbursements/${requested.body.id}/payout`,
      seeded.keys.admin,
      { method: 'stripe-connect', destination: 'acct_1Partner' },
    );
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'payout-method-unavailable', field: 'method' });
    expect(
      (await sut.call('GET', `/v1/disbursements/${requested.body.id}`, seeded.keys.admin)).body.status,
    ).toBe('approved');
  });

  it('when the payout reference is missing, then it is a 400 naming reference', async () => {
    const seeded = await seedCampaign(sut);
    const response = await sut.call(
      'POST',
      '/v1/disbursements/01a20bd4-cfbf-7004-8f1c-1886e6ed1273/payout',
      seeded.keys.admin,
      {},
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ field: 'reference' });
  });
});
