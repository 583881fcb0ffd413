import { request as httpRequest } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { envelope, topics } from '@aid/contracts';
import { eventually, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisbursementStore } from './store/disbursements.store.ts';
import { createFundsAccountStore } from './store/funds-accounts.store.ts';
import { createGiftStore } from './store/gifts.store.ts';
import {
  campaignSource,
  catchUpTimeoutMs,
  disbursementRequest,
  eventsOf,
  memberAdded,
  memberKeyRotated,
  memberRevoked,
  publishTwice,
  seedCampaign,
  startServiceUnderTest,
  type SeededCampaign,
  type ServiceUnderTest,
} from './test-support/service-under-test.ts';

const evidenceLimit = 2 * 1024 * 1024;
let sut: ServiceUnderTest;

beforeAll(async () => {
  sut = await startServiceUnderTest(process.env.AID_TEST_LOG_LEVEL, {
    STRIPE_SECRET_KEY: 'sk_test_disbursement',
    STRIPE_API_BASE: testEndpoints().stripeApiBase,
    EVIDENCE_MAX_BYTES: String(evidenceLimit),
  });
}, catchUpTimeoutMs + 10_000);

afterAll(async () => {
  await sut.stop();
});

const gifts = [
  { amount: 3_000, succeededAt: '2026-01-01T10:00:00.000Z' },
  { amount: 5_000, succeededAt: '2026-01-02T10:00:00.000Z' },
  { amount: 4_000, succeededAt: '2026-01-03T10:00:00.000Z' },
];

const funds = async (seeded: SeededCampaign) =>
  (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.admin)).body;

async function requested(seeded: SeededCampaign, amount: number, key = seeded.keys.officer): Promise<string> {
  const response = await sut.call(
    'POST',
    '/v1/disbursements',
    key,
    disbursementRequest(seeded.campaignId, { amount }),
  );
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function approved(
  seeded: SeededCampaign,
  amount: number,
): Promise<{ id: string; allocations: { donationId: string; amount: number }[] }> {
  const id = await requested(seeded, amount);
  const response = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, {
    comment: 'ok',
  });
  expect(response.status).toBe(200);
  expect(response.body.status).toBe('approved');
  return response.body;
}

async function upload(key: string, id: string, bytes: Buffer, contentType: string, name?: string) {
  const query = name ? `?name=${encodeURIComponent(name)}` : '';
  const response = await fetch(`${sut.service.url}/v1/disbursements/${id}/evidence${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
    body: new Uint8Array(bytes),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : undefined,
  };
}

describe('member keys follow the campaign service', () => {
  it('when a key is rotated, then the old key gets 401 within seconds and the new one works, even after a late replay of member-added', async () => {
    const seeded = await seedCampaign(sut);
    const rotated = memberKeyRotated(seeded.organizationId, seeded.members.admin, 'admin', 2);
    await publishTwice(topics.campaign, [rotated.event]);
    await eventually(
      async () =>
        expect(
          (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.admin)).status,
        ).toBe(401),
      {
        timeoutMs: 10_000,
      },
    );
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, rotated.key)).status).toBe(200);

    // An older rotation and the original member-added arriving again must not bring an old key back.
    const stale = memberKeyRotated(seeded.organizationId, seeded.members.admin, 'admin', 2);
    const replayedAdd = memberAdded(seeded.organizationId, 'admin');
    const replay = {
      ...replayedAdd.event,
      data: { ...replayedAdd.event.data, memberId: seeded.members.admin },
    };
    // A new member of the same organization is keyed like the replay, so once their key works the replay was seen.
    const marker = memberAdded(seeded.organizationId, 'field-officer');
    await publishTwice(topics.campaign, [replay, stale.event, marker.event]);
    await eventually(
      async () =>
        expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, marker.key)).status).toBe(
          200,
        ),
      { timeoutMs: 10_000 },
    );
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, rotated.key)).status).toBe(200);
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, replayedAdd.key)).status).toBe(
      401,
    );
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, stale.key)).status).toBe(401);
  });

  it('when a member is revoked, then their key gets 401 and a replayed member-added does not revive it', async () => {
    const seeded = await seedCampaign(sut);
    await publishTwice(topics.campaign, [
      memberRevoked(seeded.organizationId, seeded.members.approver, seeded.members.admin),
    ]);
    await eventually(
      async () =>
        expect(
          (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.approver)).status,
        ).toBe(401),
      {
        timeoutMs: 10_000,
      },
    );
    const original = memberAdded(seeded.organizationId, 'approver');
    const replay = { ...original.event, data: { ...original.event.data, memberId: seeded.members.approver } };
    const marker = memberAdded(seeded.organizationId, 'field-officer');
    await publishTwice(topics.campaign, [replay, marker.event]);
    await eventually(
      async () =>
        expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, marker.key)).status).toBe(
          200,
        ),
      { timeoutMs: 10_000 },
    );
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, original.key)).status).toBe(
      401,
    );
    expect(
      (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.approver2)).status,
    ).toBe(200);
  });
});

describe('two approvers at or above the campaign threshold', () => {
  it('when a disbursement at the threshold is approved once, then it waits; the same approver cannot count twice; a second approver reserves and allocates', async () => {
    const seeded = await seedCampaign(sut, { gifts, campaign: { approvalThreshold: 5_000 } });
    const id = await requested(seeded, 5_000);

    const first = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, {
      comment: 'first look',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'requested',
      approvals: [{ memberId: seeded.members.approver, comment: 'first look' }],
      allocations: [],
    });
    expect(await funds(seeded)).toMatchObject({ allocated: 0, available: 12_000 });

    const again = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, {
      comment: 'again',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'already-approved-by-member' });
    const byRequester = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.officer, {
      comment: '',
    });
    expect(byRequester.status).toBe(403);

    const second = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver2, {
      comment: 'second look',
    });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('approved');
    expect(second.body.approvals.map((approval: { memberId: string }) => approval.memberId)).toEqual([
      seeded.members.approver,
      seeded.members.approver2,
    ]);
    expect(second.body.allocations).toEqual([
      { donationId: seeded.donationIds[0], amount: 3_000 },
      { donationId: seeded.donationIds[1], amount: 2_000 },
    ]);
    expect(await funds(seeded)).toMatchObject({ allocated: 5_000, available: 7_000 });
    await eventually(() =>
      expect(
        eventsOf(sut, seeded.campaignId)
          .filter((event) => event.type === 'org.diaspora-aid.disbursement.approved')
          .map((event) => event.data.approvedBy),
      ).toEqual([seeded.members.approver2]),
    );
  });

  it('when a disbursement is below the threshold, then one approval approves it', async () => {
    const seeded = await seedCampaign(sut, { gifts, campaign: { approvalThreshold: 5_000 } });
    await approved(seeded, 4_999);
  });
});

describe('N of M: as many approvers as the organization asks for', () => {
  it('when an organization asks for three approvers above the threshold, then two approvals wait and the third reserves; below it one is enough', async () => {
    const seeded = await seedCampaign(sut, { gifts, campaign: { approvalThreshold: 5_000 } });
    const changedAt = new Date();
    const settings = envelope({
      type: 'org.diaspora-aid.campaign.organization-settings-changed',
      source: campaignSource,
      subject: seeded.organizationId,
      time: changedAt,
      data: {
        organizationId: seeded.organizationId,
        approvalsAboveThreshold: 3,
        changedAt: changedAt.toISOString(),
      },
    });
    // An older change arriving late must not undo it.
    const older = {
      ...settings,
      id: `${settings.id}-older`,
      data: {
        ...settings.data,
        approvalsAboveThreshold: 2,
        changedAt: new Date(changedAt.getTime() - 60_000).toISOString(),
      },
    };
    await publishTwice(topics.campaign, [settings, older]);
    const id = await requested(seeded, 6_000);
    await eventually(
      async () =>
        expect(
          (await sut.call('GET', `/v1/disbursements/${id}`, seeded.keys.admin)).body.approvalsNeeded,
        ).toBe(3),
      { timeoutMs: 10_000 },
    );

    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, { comment: 'one' }))
        .body,
    ).toMatchObject({ status: 'requested', approvalsNeeded: 3 });
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver2, { comment: 'two' }))
        .body.status,
    ).toBe('requested');
    expect(await funds(seeded)).toMatchObject({ allocated: 0 });
    const third = await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.admin, {
      comment: 'three',
    });
    expect(third.body).toMatchObject({ status: 'approved', approvalsNeeded: 3 });
    expect(third.body.approvals).toHaveLength(3);
    expect(await funds(seeded)).toMatchObject({ allocated: 6_000 });

    const small = await requested(seeded, 1_000);
    const once = await sut.call('POST', `/v1/disbursements/${small}/approve`, seeded.keys.approver, {
      comment: 'small',
    });
    expect(once.body).toMatchObject({ status: 'approved', approvalsNeeded: 1 });
  });
});

describe('cancellation before payout', () => {
  it('when a requested disbursement is cancelled by its requester, then no money moves and it cannot be approved', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await requested(seeded, 2_000);
    const byApprover = await sut.call('POST', `/v1/disbursements/${id}/cancel`, seeded.keys.approver, {
      comment: 'not mine',
    });
    expect(byApprover.status).toBe(403);
    const cancelled = await sut.call('POST', `/v1/disbursements/${id}/cancel`, seeded.keys.officer, {
      comment: 'wrong partner',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellation: { memberId: seeded.members.officer, comment: 'wrong partner', from: 'requested' },
    });
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, { comment: '' }))
        .status,
    ).toBe(409);
    expect(await funds(seeded)).toMatchObject({ allocated: 0, available: 12_000 });
  });

  it('when an approved disbursement is cancelled, then its reservation and gift slices come back exactly once and the next approval takes the same gifts first', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const first = await approved(seeded, 6_500);
    expect(await funds(seeded)).toMatchObject({ allocated: 6_500, available: 5_500 });

    const cancelled = await sut.call('POST', `/v1/disbursements/${first.id}/cancel`, seeded.keys.admin, {
      comment: 'partner closed',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellation: { from: 'approved', memberId: seeded.members.admin },
    });
    expect(await funds(seeded)).toMatchObject({ net: 12_000, allocated: 0, available: 12_000, paidOut: 0 });
    expect(
      (
        await sut.call('POST', `/v1/disbursements/${first.id}/cancel`, seeded.keys.admin, {
          comment: 'again',
        })
      ).status,
    ).toBe(409);
    expect(
      (await sut.call('POST', `/v1/disbursements/${first.id}/payout`, seeded.keys.admin, { reference: 'R' }))
        .status,
    ).toBe(409);
    expect(await funds(seeded)).toMatchObject({ allocated: 0, available: 12_000 });

    const next = await approved(seeded, 12_000);
    expect(next.allocations).toEqual([
      { donationId: seeded.donationIds[0], amount: 3_000 },
      { donationId: seeded.donationIds[1], amount: 5_000 },
      { donationId: seeded.donationIds[2], amount: 4_000 },
    ]);

    await eventually(() => {
      const event = eventsOf(sut, seeded.campaignId).find(
        (entry) => entry.type === 'org.diaspora-aid.disbursement.cancelled',
      );
      expect(event?.data).toMatchObject({
        disbursementId: first.id,
        amount: 6_500,
        from: 'approved',
        released: first.allocations,
      });
    });
  });

  it('when a cancellation was interrupted after releasing the account (as cancellations did before gifts came first), then asking again completes it without releasing twice', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const { id } = await approved(seeded, 4_000);
    const { db, applyOnce } = sut.service.deps;
    await createDisbursementStore(db).markCancelling(id);
    await createFundsAccountStore(db, applyOnce).release(seeded.campaignId, id, 4_000);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'R' }))
        .status,
    ).toBe(409);

    const resumed = await sut.call('POST', `/v1/disbursements/${id}/cancel`, seeded.keys.admin, {
      comment: 'resumed',
    });
    expect(resumed.status).toBe(200);
    expect(await funds(seeded)).toMatchObject({ allocated: 0, available: 12_000 });
    expect((await approved(seeded, 12_000)).allocations.reduce((sum, slice) => sum + slice.amount, 0)).toBe(
      12_000,
    );
  });

  it('when a cancellation was interrupted after giving one gift its slice back, then asking again completes it without releasing twice', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const { id, allocations } = await approved(seeded, 4_000);
    const { db, applyOnce } = sut.service.deps;
    await createDisbursementStore(db).markCancelling(id);
    await createGiftStore(db, applyOnce).releaseSlice(id, allocations[0]!);
    expect(await funds(seeded)).toMatchObject({ allocated: 4_000, available: 8_000 });
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'R' }))
        .status,
    ).toBe(409);

    const resumed = await sut.call('POST', `/v1/disbursements/${id}/cancel`, seeded.keys.admin, {
      comment: 'resumed',
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('cancelled');
    expect(await funds(seeded)).toMatchObject({ allocated: 0, available: 12_000 });
    expect((await approved(seeded, 12_000)).allocations.reduce((sum, slice) => sum + slice.amount, 0)).toBe(
      12_000,
    );
  });

  it('when a paid disbursement is cancelled, then it is refused', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const { id } = await approved(seeded, 1_000);
    expect(
      (await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'WIRE-1' }))
        .status,
    ).toBe(200);
    const cancel = await sut.call('POST', `/v1/disbursements/${id}/cancel`, seeded.keys.admin, {
      comment: '',
    });
    expect(cancel.status).toBe(409);
    expect(await funds(seeded)).toMatchObject({ allocated: 1_000, paidOut: 1_000 });
  });
});

describe('Stripe Connect payouts', () => {
  it('when an approved disbursement is paid to a connected account, then the transfer id is the reference and the event says how', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const { id } = await approved(seeded, 2_500);
    const paid = await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, {
      method: 'stripe-connect',
      destination: 'acct_1PartnerDadu',
    });
    expect(paid.status).toBe(200);
    expect(paid.body.payout).toMatchObject({
      method: 'stripe-connect',
      destination: 'acct_1PartnerDadu',
      paidBy: seeded.members.admin,
    });
    expect(paid.body.payout.reference).toMatch(/^tr_/);
    expect(await funds(seeded)).toMatchObject({ paidOut: 2_500 });
    await eventually(() => {
      const event = eventsOf(sut, seeded.campaignId).find(
        (entry) => entry.type === 'org.diaspora-aid.disbursement.paid',
      );
      expect(event?.data).toMatchObject({ method: 'stripe-connect', reference: paid.body.payout.reference });
    });
  });

  it.each([
    [
      'the destination is not an account id',
      { method: 'stripe-connect', destination: 'bank-123' },
      'destination',
    ],
    ['the destination is missing', { method: 'stripe-connect' }, 'destination'],
    ['the method is unknown', { method: 'cash', reference: 'R' }, 'method'],
  ])('when %s, then it is a 400 naming %s', async (_name, body, field) => {
    const seeded = await seedCampaign(sut);
    const response = await sut.call(
      'POST',
      '/v1/disbursements/01a20bd4-cfbf-7004-8f1c-1886e6ed1273/payout',
      seeded.keys.admin,
      body,
    );
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });
});

describe('evidence files', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1_500_000)]);
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  it('when a PDF is uploaded, then we hash it, keep it private to the organization, and a delivery can cite it by id', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const other = await seedCampaign(sut);
    const { id } = await approved(seeded, 1_000);
    await sut.call('POST', `/v1/disbursements/${id}/payout`, seeded.keys.admin, { reference: 'WIRE-9' });

    const uploaded = await upload(seeded.keys.officer, id, pdf, 'application/pdf', 'distribution-list.pdf');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      name: 'distribution-list.pdf',
      sha256: sha(pdf),
      size: pdf.length,
      contentType: 'application/pdf',
    });
    const evidenceId = uploaded.body.id as string;

    // Read back by the chunks' ids: the local database indexes nothing else, so a filter would read every file's chunks.
    const chunkReads: Record<string, unknown>[] = [];
    sut.service.deps.db.set('debug', (collection: string, method: string, filter: unknown) => {
      if (collection === 'evidence_chunks' && method.startsWith('find'))
        chunkReads.push(filter as Record<string, unknown>);
    });
    const download = await fetch(`${sut.service.url}/v1/disbursements/${id}/evidence/${evidenceId}`, {
      headers: { authorization: `Bearer ${seeded.keys.approver}` },
    });
    sut.service.deps.db.set('debug', false);
    expect(chunkReads.map((filter) => Object.keys(filter))).toEqual([['_id']]);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('application/pdf');
    expect(sha(Buffer.from(await download.arrayBuffer()))).toBe(sha(pdf));
    expect(
      (await sut.call('GET', `/v1/disbursements/${id}/evidence/${evidenceId}`, other.keys.admin)).status,
    ).toBe(404);
    expect((await sut.call('GET', `/v1/disbursements/${id}/evidence/${evidenceId}`, undefined)).status).toBe(
      401,
    );

    const delivery = {
      deliveredAt: '2026-02-01T09:30:00Z',
      beneficiaries: 40,
      description: 'kits',
      location: { country: 'PK', area: 'Dadu' },
      evidence: [{ evidenceId }, { name: 'photo.jpg', sha256: 'b'.repeat(64) }],
    };
    const delivered = await sut.call(
      'POST',
      `/v1/disbursements/${id}/deliveries`,
      seeded.keys.officer,
      delivery,
    );
    expect(delivered.status).toBe(201);
    expect(delivered.body.evidence).toEqual([
      { name: 'distribution-list.pdf', sha256: sha(pdf), evidenceId },
      { name: 'photo.jpg', sha256: 'b'.repeat(64), evidenceId: null },
    ]);
    await eventually(() => {
      const event = eventsOf(sut, seeded.campaignId).find(
        (entry) => entry.type === 'org.diaspora-aid.disbursement.delivered',
      );
      expect(event?.data.evidence).toEqual([
        { name: 'distribution-list.pdf', sha256: sha(pdf) },
        { name: 'photo.jpg', sha256: 'b'.repeat(64) },
      ]);
    });
    const foreign = await sut.call('POST', `/v1/disbursements/${id}/deliveries`, seeded.keys.officer, {
      ...delivery,
      evidence: [{ evidenceId: '01a20bd4-cfbf-7004-8f1c-1886e6ed1273' }],
    });
    expect(foreign.status).toBe(404);
  });

  it.each([
    ['the bytes are not the declared type', Buffer.from('hello'), 'image/png', 415, 'evidence-type-mismatch'],
    [
      'the type is not accepted',
      Buffer.from('MZ executable'),
      'application/octet-stream',
      415,
      'unsupported-media-type',
    ],
    [
      'the file is over the limit',
      Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(evidenceLimit)]),
      'application/pdf',
      413,
      'evidence-too-large',
    ],
  ])(
    'when %s, then the upload is refused with a problem',
    async (_name, bytes, contentType, status, code) => {
      const seeded = await seedCampaign(sut, { gifts });
      const id = await requested(seeded, 500);
      const response = await upload(seeded.keys.officer, id, bytes, contentType);
      expect(response.status).toBe(status);
      expect(response.contentType).toContain('application/problem+json');
      expect(response.body).toMatchObject({ code });
    },
  );

  it('when a stranger starts a large upload, then it is refused with 401 before the file is read', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const id = await requested(seeded, 500);
    const target = new URL(`${sut.service.url}/v1/disbursements/${id}/evidence`);
    // Announces 2 MiB and sends only the first 64 KiB, then waits: an answer can only come before the body is read.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            authorization: 'Bearer not-a-key',
            'content-type': 'application/pdf',
            'content-length': String(evidenceLimit),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.write(Buffer.alloc(64 * 1024));
      setTimeout(() => {
        outgoing.destroy();
        reject(new Error('no answer within 5 s: the server waited for the unauthenticated body'));
      }, 5_000).unref();
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'unauthenticated' });
  });

  it('when another organization uploads to a disbursement, then it is not found', async () => {
    const seeded = await seedCampaign(sut, { gifts });
    const other = await seedCampaign(sut);
    const id = await requested(seeded, 500);
    expect((await upload(other.keys.officer, id, Buffer.from('a,b\n1,2\n'), 'text/csv')).status).toBe(404);
  });
});

describe('audit trail', () => {
  it('when a disbursement goes through its life, then each action is recorded once with who and when, readable by admins only, paged', async () => {
    const seeded = await seedCampaign(sut, { gifts, campaign: { approvalThreshold: 1_000 } });
    const other = await seedCampaign(sut);
    const id = await requested(seeded, 1_000);
    await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver, { comment: 'one' });
    await sut.call('POST', `/v1/disbursements/${id}/approve`, seeded.keys.approver2, { comment: 'two' });
    await sut.call('POST', `/v1/disbursements/${id}/cancel`, seeded.keys.admin, { comment: 'changed plans' });

    const audit = await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/audit`, seeded.keys.admin);
    expect(audit.status).toBe(200);
    expect(
      audit.body.entries.map((entry: { action: string; actorMemberId: string }) => [
        entry.action,
        entry.actorMemberId,
      ]),
    ).toEqual([
      ['disbursement.cancelled', seeded.members.admin],
      ['disbursement.approved', seeded.members.approver2],
      ['disbursement.approval-recorded', seeded.members.approver],
      ['disbursement.requested', seeded.members.officer],
    ]);
    expect(audit.body.entries[0]).toMatchObject({
      targetId: id,
      details: { from: 'approved', released: 1_000, comment: 'changed plans' },
    });
    expect(audit.body.next).toBeNull();

    const firstPage = await sut.call(
      'GET',
      `/v1/campaigns/${seeded.campaignId}/audit?limit=3`,
      seeded.keys.admin,
    );
    expect(firstPage.body.entries).toHaveLength(3);
    const secondPage = await sut.call(
      'GET',
      `/v1/campaigns/${seeded.campaignId}/audit?limit=3&after=${encodeURIComponent(firstPage.body.next)}`,
      seeded.keys.admin,
    );
    expect(secondPage.body.entries.map((entry: { action: string }) => entry.action)).toEqual([
      'disbursement.requested',
    ]);
    expect(secondPage.body.next).toBeNull();

    expect(
      (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/audit`, seeded.keys.approver)).status,
    ).toBe(403);
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/audit`, other.keys.admin)).status).toBe(
      404,
    );
  });
});
