import { randomUUID } from 'node:crypto';
import { topics } from '@aid/contracts';
import { eventually } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeyId } from './use-cases/answer-once.ts';
import {
  catchUpTimeoutMs,
  disbursementRequest,
  eventsOf,
  giftSucceeded,
  publishTwice,
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

const gifts = [
  { amount: 3_000, succeededAt: '2026-01-01T10:00:00.000Z' },
  { amount: 5_000, succeededAt: '2026-01-02T10:00:00.000Z' },
];

const delivery = {
  deliveredAt: '2026-02-01T09:30:00Z',
  beneficiaries: 412,
  description: '400 family kits of water purification tablets',
  location: { country: 'PK', area: 'Dadu district, Sindh' },
  evidence: [{ name: 'distribution-list.pdf', sha256: 'a'.repeat(64) }],
};

const keyed = (key: string) => ({ 'idempotency-key': key });
const funds = async (seeded: SeededCampaign) =>
  (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.admin)).body;
const read = async (seeded: SeededCampaign, id: string) =>
  (await sut.call('GET', `/v1/disbursements/${id}`, seeded.keys.admin)).body;
const eventTypes = (seeded: SeededCampaign) =>
  eventsOf(sut, seeded.campaignId).map((event) => event.type.replace('org.diaspora-aid.disbursement.', ''));

/** Waits for the expected events, then long enough for a doubled write's events to be published too. */
async function expectEventsExactly(seeded: SeededCampaign, expected: string[]): Promise<void> {
  await eventually(() => expect(eventTypes(seeded)).toEqual(expected));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(eventTypes(seeded)).toEqual(expected);
}

async function requested(seeded: SeededCampaign, amount: number): Promise<string> {
  const response = await sut.call(
    'POST',
    '/v1/disbursements',
    seeded.keys.officer,
    disbursementRequest(seeded.campaignId, { amount }),
  );
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function approved(seeded: SeededCampaign, amount: number): Promise<string> {
  const id = await requested(seeded, amount);
  expect(
    (await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, { comment: 'checked' }))
      .status,
  ).toBe(200);
  return id;
}

async function paid(seeded: SeededCampaign, amount: number): Promise<string> {
  const id = await approved(seeded, amount);
  expect(
    (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'WIRE-1' }))
      .status,
  ).toBe(200);
  return id;
}

/** What a crash between acting and storing the answer leaves: the key started, without answer, its lease run out. */
async function loseAnswer(memberId: string, key: string, leaseUntil = new Date(0)): Promise<void> {
  const changed = await sut.service.deps.db
    .collection('idempotency_keys')
    .updateOne(
      { _id: idempotencyKeyId({ memberId }, key) as never },
      { $set: { state: 'started', answer: null, leaseUntil } },
    );
  expect(changed.modifiedCount).toBe(1);
}

describe('retries under an Idempotency-Key', () => {
  it('when an approval is sent twice with the same key, then the second gets the first answer and nothing is reserved, allocated or published twice', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await requested(seeded, 6_500);
    const key = randomUUID();

    const first = await sut.call(
      'POST',
      `/v1/disbursements/${id}/approve`,
      seeded.keys.approver,
      { comment: 'checked' },
      keyed(key),
    );
    const retry = await sut.call(
      'POST',
      `/v1/disbursements/${id}/approve`,
      seeded.keys.approver,
      { comment: 'checked' },
      keyed(key),
    );

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'approved',
      allocations: [{ amount: 3_000 }, { amount: 3_500 }],
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await funds(seeded)).toMatchObject({ allocated: 6_500, available: 1_500, paidOut: 0 });
    expect((await read(seeded, id)).approvals).toHaveLength(1);
    await expectEventsExactly(seeded, ['requested', 'approved', 'allocated', 'allocated']);
  });

  it('when a payout is sent twice with the same key, then the second gets the first answer and the money is paid out and published once', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await approved(seeded, 2_000);
    const key = randomUUID();

    const first = await sut.call(
      'POST',
      `/v1/disbursements/${id}/payout`,
      seeded.keys.admin,
      { reference: 'WIRE-2026-7' },
      keyed(key),
    );
    const retry = await sut.call(
      'POST',
      `/v1/disbursements/${id}/payout`,
      seeded.keys.admin,
      { reference: 'WIRE-2026-7' },
      keyed(key),
    );

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'paid', payout: { reference: 'WIRE-2026-7' } });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(await funds(seeded)).toMatchObject({ allocated: 2_000, paidOut: 2_000 });
    await expectEventsExactly(seeded, ['requested', 'approved', 'allocated', 'paid']);
  });

  it('when a delivery report is sent twice with the same key, then it is recorded and published once and both answers name the same delivery', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await paid(seeded, 2_000);
    const key = randomUUID();

    const first = await sut.call(
      'POST',
      `/v1/disbursements/${id}/deliveries`,
      seeded.keys.officer,
      delivery,
      keyed(key),
    );
    const retry = await sut.call(
      'POST',
      `/v1/disbursements/${id}/deliveries`,
      seeded.keys.officer,
      delivery,
      keyed(key),
    );

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect((await read(seeded, id)).deliveries).toEqual([
      expect.objectContaining({ id: first.body.id, beneficiaries: 412 }),
    ]);
    await expectEventsExactly(seeded, ['requested', 'approved', 'allocated', 'paid', 'delivered']);
  });

  it('when the same key comes with another body or another action, then it is a 409 naming Idempotency-Key and nothing happens', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await requested(seeded, 1_000);
    const key = randomUUID();
    expect(
      (
        await sut.call(
          'POST',
          `/v1/disbursements/${id}/approve`,
          seeded.keys.approver,
          { comment: 'checked' },
          keyed(key),
        )
      ).status,
    ).toBe(200);

    const otherBody = await sut.call(
      'POST',
      `/v1/disbursements/${id}/approve`,
      seeded.keys.approver,
      { comment: 'changed my mind' },
      keyed(key),
    );
    const otherAction = await sut.call(
      'POST',
      `/v1/disbursements/${id}/reject`,
      seeded.keys.approver,
      { comment: 'checked' },
      keyed(key),
    );

    for (const response of [otherBody, otherAction]) {
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ code: 'idempotency-key-reused', field: 'Idempotency-Key' });
    }
    expect(await read(seeded, id)).toMatchObject({ status: 'approved', approvals: [{ comment: 'checked' }] });
  });

  it.each([
    ['empty', ''],
    ['with a space', 'two words'],
    ['longer than 255 characters', 'k'.repeat(256)],
  ])(
    'when the key is %s, then it is a 400 naming Idempotency-Key and nothing happens',
    async (_name, key) => {
      const seeded = await seedCampaign(sut, { gifts });
      const response = await sut.call(
        'POST',
        '/v1/disbursements',
        seeded.keys.officer,
        disbursementRequest(seeded.campaignId),
        keyed(key),
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'invalid-idempotency-key', field: 'Idempotency-Key' });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(eventTypes(seeded)).toEqual([]);
    },
  );

  it('when members of two organizations send the same key, then each gets its own disbursement and never the other’s answer', async () => {
    const [first, second] = [await seedCampaign(sut, { gifts }), await seedCampaign(sut, { gifts })];
    const key = randomUUID();

    const ours = await sut.call(
      'POST',
      '/v1/disbursements',
      first.keys.officer,
      disbursementRequest(first.campaignId, { amount: 1_000 }),
      keyed(key),
    );
    const theirs = await sut.call(
      'POST',
      '/v1/disbursements',
      second.keys.officer,
      disbursementRequest(second.campaignId, { amount: 1_000 }),
      keyed(key),
    );
    const oursAgain = await sut.call(
      'POST',
      '/v1/disbursements',
      first.keys.officer,
      disbursementRequest(first.campaignId, { amount: 1_000 }),
      keyed(key),
    );

    expect([ours.status, theirs.status, oursAgain.status]).toEqual([201, 201, 201]);
    expect(theirs.body.id).not.toBe(ours.body.id);
    expect(theirs.body).toMatchObject({
      campaignId: second.campaignId,
      organizationId: second.organizationId,
    });
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(oursAgain.body).toEqual(ours.body);
    await expectEventsExactly(first, ['requested']);
    expect(eventTypes(second)).toEqual(['requested']);
  });

  it('when an approval acted but its answer was lost (crash before storing it), then the retry answers the approved disbursement without approving twice', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await requested(seeded, 4_000);
    const key = randomUUID();
    expect(
      (
        await sut.call(
          'POST',
          `/v1/disbursements/${id}/approve`,
          seeded.keys.approver,
          { comment: 'checked' },
          keyed(key),
        )
      ).status,
    ).toBe(200);
    await loseAnswer(seeded.members.approver, key);

    const retry = await sut.call(
      'POST',
      `/v1/disbursements/${id}/approve`,
      seeded.keys.approver,
      { comment: 'checked' },
      keyed(key),
    );
    const again = await sut.call(
      'POST',
      `/v1/disbursements/${id}/approve`,
      seeded.keys.approver,
      { comment: 'checked' },
      keyed(key),
    );

    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({
      id,
      status: 'approved',
      approvals: [{ memberId: seeded.members.approver }],
    });
    expect(again.body).toEqual(retry.body);
    expect(await funds(seeded)).toMatchObject({ allocated: 4_000 });
    await expectEventsExactly(seeded, ['requested', 'approved', 'allocated', 'allocated']);
  });

  it('when a payout acted but its answer was lost, then the retry answers the paid disbursement and the money is paid out once', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await approved(seeded, 2_000);
    const key = randomUUID();
    expect(
      (
        await sut.call(
          'POST',
          `/v1/disbursements/${id}/payout`,
          seeded.keys.admin,
          { reference: 'WIRE-9' },
          keyed(key),
        )
      ).status,
    ).toBe(200);
    await loseAnswer(seeded.members.admin, key);

    const retry = await sut.call(
      'POST',
      `/v1/disbursements/${id}/payout`,
      seeded.keys.admin,
      { reference: 'WIRE-9' },
      keyed(key),
    );

    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({
      status: 'paid',
      payout: { reference: 'WIRE-9', paidBy: seeded.members.admin },
    });
    expect(await funds(seeded)).toMatchObject({ paidOut: 2_000 });
    await expectEventsExactly(seeded, ['requested', 'approved', 'allocated', 'paid']);
  });

  it('when a delivery report acted but its answer was lost, then the retry finds the same delivery and beneficiaries are counted once', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await paid(seeded, 2_000);
    const key = randomUUID();
    const first = await sut.call(
      'POST',
      `/v1/disbursements/${id}/deliveries`,
      seeded.keys.officer,
      delivery,
      keyed(key),
    );
    await loseAnswer(seeded.members.officer, key);

    const retry = await sut.call(
      'POST',
      `/v1/disbursements/${id}/deliveries`,
      seeded.keys.officer,
      delivery,
      keyed(key),
    );

    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect((await read(seeded, id)).deliveries).toHaveLength(1);
    await expectEventsExactly(seeded, ['requested', 'approved', 'allocated', 'paid', 'delivered']);
  });

  it('when the first request with a key is still running, then a retry is a 409 idempotency-key-in-use and does not act', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const key = randomUUID();
    const first = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 1_000 }),
      keyed(key),
    );
    await loseAnswer(seeded.members.officer, key, new Date(Date.now() + 60_000));

    const retry = await sut.call(
      'POST',
      '/v1/disbursements',
      seeded.keys.officer,
      disbursementRequest(seeded.campaignId, { amount: 1_000 }),
      keyed(key),
    );

    expect(first.status).toBe(201);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ code: 'idempotency-key-in-use', field: 'Idempotency-Key' });
    await expectEventsExactly(seeded, ['requested']);
  });

  it('when a keyed request fails (insufficient funds), then the failure is not replayed: the retry runs again and succeeds once the money is there', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const key = randomUUID();
    const big = disbursementRequest(seeded.campaignId, { amount: 9_000 });
    const refused = await sut.call('POST', '/v1/disbursements', seeded.keys.officer, big, keyed(key));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insufficient-funds');

    await publishTwice(topics.donation, [giftSucceeded(seeded.campaignId, { amount: 2_000 })]);
    await eventually(async () => expect((await funds(seeded)).available).toBe(10_000));
    const retry = await sut.call('POST', '/v1/disbursements', seeded.keys.officer, big, keyed(key));

    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ status: 'requested', amount: 9_000 });
    await expectEventsExactly(seeded, ['requested']);
  });
});
