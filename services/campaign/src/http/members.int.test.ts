import { apiKeyHash, campaignEventSchema, topics, type CampaignEvent } from '@aid/contracts';
import { eventually, recordTopics, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestService, type TestService } from '../test-support/test-service.ts';
import {
  auditResponse,
  campaignResponse,
  memberResponse,
  newMemberResponse,
  organizationResponse,
} from './schemas.ts';

let api: TestService;
let recorder: Awaited<ReturnType<typeof recordTopics>>;

beforeAll(async () => {
  recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.campaign]);
  api = await startTestService();
});

afterAll(async () => {
  await api?.stop();
  await recorder?.stop();
});

function eventsAbout(subject: string): CampaignEvent[] {
  return recorder.messages
    .filter((message) => message.key === subject)
    .map((message) => campaignEventSchema.parse(message.value));
}

async function memberId(organizationId: string, key: string): Promise<string> {
  const organization = organizationResponse.parse(
    (await api.call('GET', `/v1/organizations/${organizationId}`, { key })).body,
  );
  const found =
    organization.members.find((member) => member.role === 'field-officer') ?? organization.members[0];
  return found!.id;
}

describe('key rotation', () => {
  it('when an admin rotates a member key, then the new key works, the old one is refused at once, and the event carries the new hash', async () => {
    const { id, adminKey } = await api.organization();
    const officerKey = await api.member(id, adminKey, 'field-officer');
    const officerId = await memberId(id, officerKey);

    const rotated = await api.call('POST', `/v1/organizations/${id}/members/${officerId}/api-keys`, {
      key: adminKey,
    });
    expect(rotated.status).toBe(201);
    const member = newMemberResponse.parse(rotated.body);
    expect(member).toMatchObject({ id: officerId, role: 'field-officer', keyRevision: 2 });
    expect(member.apiKey).not.toBe(officerKey);

    expect((await api.call('GET', `/v1/organizations/${id}`, { key: officerKey })).status).toBe(401);
    expect((await api.call('GET', `/v1/organizations/${id}`, { key: member.apiKey })).status).toBe(200);

    const event = await eventually(() => {
      const found = eventsAbout(id).find(
        (entry) => entry.type === 'org.diaspora-aid.campaign.member-key-rotated',
      );
      expect(found).toBeDefined();
      return found!;
    });
    expect(event.data).toMatchObject({
      organizationId: id,
      memberId: officerId,
      role: 'field-officer',
      apiKeyHash: apiKeyHash(member.apiKey),
      keyRevision: 2,
    });
    expect(JSON.stringify(event)).not.toContain(member.apiKey);
  });

  it('when a member rotates their own key, then it works; rotating someone else’s without the admin role is 403, and another organization’s is 403', async () => {
    const { id, adminKey } = await api.organization();
    const other = await api.organization('Other');
    const officerKey = await api.member(id, adminKey, 'field-officer');
    const approverKey = await api.member(id, adminKey, 'approver');
    const officerId = await memberId(id, officerKey);

    const own = await api.call('POST', `/v1/organizations/${id}/members/${officerId}/api-keys`, {
      key: officerKey,
    });
    expect(own.status).toBe(201);
    const byApprover = await api.call('POST', `/v1/organizations/${id}/members/${officerId}/api-keys`, {
      key: approverKey,
    });
    expect(byApprover.status).toBe(403);
    expect(problemOf(byApprover).code).toBe('role-required');
    const foreign = await api.call('POST', `/v1/organizations/${id}/members/${officerId}/api-keys`, {
      key: other.adminKey,
    });
    expect(foreign.status).toBe(403);
    expect(problemOf(foreign).code).toBe('other-organization');
    const unknown = await api.call(
      'POST',
      `/v1/organizations/${id}/members/0190aaaa-0000-7000-8000-000000000000/api-keys`,
      { key: adminKey },
    );
    expect(unknown.status).toBe(404);
  });
});

describe('removing members', () => {
  it('when an admin removes a member, then their key is refused, they leave the listing, and the event is published', async () => {
    const { id, adminKey } = await api.organization();
    const approverKey = await api.member(id, adminKey, 'approver');
    const organization = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).body,
    );
    const approverId = organization.members.find((member) => member.role === 'approver')!.id;
    const adminId = organization.members.find((member) => member.role === 'admin')!.id;

    const byApprover = await api.call('DELETE', `/v1/organizations/${id}/members/${adminId}`, {
      key: approverKey,
    });
    expect(byApprover.status).toBe(403);

    const removed = await api.call('DELETE', `/v1/organizations/${id}/members/${approverId}`, {
      key: adminKey,
    });
    expect(removed.status).toBe(200);
    expect(memberResponse.parse(removed.body)).toMatchObject({
      id: approverId,
      revokedAt: expect.any(String),
    });
    expect((await api.call('GET', `/v1/organizations/${id}`, { key: approverKey })).status).toBe(401);
    const after = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).body,
    );
    expect(after.members.map((member) => member.id)).toEqual([adminId]);
    expect(
      (await api.call('DELETE', `/v1/organizations/${id}/members/${approverId}`, { key: adminKey })).status,
    ).toBe(404);

    await eventually(() =>
      expect(
        eventsAbout(id).find((entry) => entry.type === 'org.diaspora-aid.campaign.member-revoked')?.data,
      ).toMatchObject({
        organizationId: id,
        memberId: approverId,
        revokedBy: adminId,
      }),
    );
  });

  it('when the last admin would be removed, then it is refused with 409; with a second admin it is allowed', async () => {
    const { id, adminKey } = await api.organization();
    const adminId = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).body,
    ).members[0]!.id;
    const last = await api.call('DELETE', `/v1/organizations/${id}/members/${adminId}`, { key: adminKey });
    expect(last.status).toBe(409);
    expect(problemOf(last)).toMatchObject({ code: 'last-admin', field: 'memberId' });
    const secondKey = await api.member(id, adminKey, 'admin');
    expect(
      (await api.call('DELETE', `/v1/organizations/${id}/members/${adminId}`, { key: secondKey })).status,
    ).toBe(200);
    expect((await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).status).toBe(401);
  });
});

describe('approval threshold and audit trail', () => {
  it('when an admin sets the approval threshold, then the campaign and its snapshot event carry it; clearing it drops it from the snapshot', async () => {
    const { adminKey } = await api.organization();
    const campaign = await api.campaign(adminKey);
    const set = await api.call('PATCH', `/v1/campaigns/${campaign.id}`, {
      key: adminKey,
      body: { approvalThreshold: 250_000 },
    });
    expect(set.status).toBe(200);
    expect(campaignResponse.parse(set.body)).toMatchObject({ approvalThreshold: 250_000, revision: 2 });
    const cleared = await api.call('PATCH', `/v1/campaigns/${campaign.id}`, {
      key: adminKey,
      body: { approvalThreshold: null },
    });
    expect(campaignResponse.parse(cleared.body).approvalThreshold).toBeNull();
    const bad = await api.call('PATCH', `/v1/campaigns/${campaign.id}`, {
      key: adminKey,
      body: { approvalThreshold: -5 },
    });
    expect(bad.status).toBe(400);
    expect(problemOf(bad).field).toBe('approvalThreshold');

    await eventually(() => {
      const changed = eventsAbout(campaign.id).filter(
        (entry) => entry.type === 'org.diaspora-aid.campaign.changed',
      );
      expect(
        changed.map(
          (entry) => (entry.data as { campaign: { approvalThreshold?: number } }).campaign.approvalThreshold,
        ),
      ).toEqual([250_000, undefined]);
    });
  });

  it('when members and campaigns change, then the organization audit lists who did what, newest first, paged, for admins only', async () => {
    const { id, adminKey } = await api.organization();
    const other = await api.organization('Other');
    const officerKey = await api.member(id, adminKey, 'field-officer');
    const officerId = await memberId(id, officerKey);
    const adminId = organizationResponse
      .parse((await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).body)
      .members.find((member) => member.role === 'admin')!.id;
    const campaign = await api.campaign(adminKey);
    await api.call('POST', `/v1/campaigns/${campaign.id}/publish`, { key: adminKey });
    await api.call('POST', `/v1/organizations/${id}/members/${officerId}/api-keys`, { key: officerKey });

    const audit = await api.call('GET', `/v1/organizations/${id}/audit`, { key: adminKey });
    expect(audit.status).toBe(200);
    const page = auditResponse.parse(audit.body);
    expect(page.entries.map((entry) => [entry.action, entry.actorMemberId, entry.targetId])).toEqual([
      ['member.key-rotated', officerId, officerId],
      ['campaign.published', adminId, campaign.id],
      ['campaign.created', adminId, campaign.id],
      ['member.added', adminId, officerId],
      expect.arrayContaining(['platform-admin']),
      expect.arrayContaining(['platform-admin']),
    ]);
    expect(page.next).toBeNull();

    const first = auditResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}/audit?limit=4`, { key: adminKey })).body,
    );
    expect(first.entries).toHaveLength(4);
    const second = auditResponse.parse(
      (
        await api.call(
          'GET',
          `/v1/organizations/${id}/audit?limit=4&after=${encodeURIComponent(first.next!)}`,
          { key: adminKey },
        )
      ).body,
    );
    expect(second.entries.map((entry) => entry.action).sort()).toEqual([
      'member.added',
      'organization.registered',
    ]);

    expect((await api.call('GET', `/v1/organizations/${id}/audit`, { key: officerKey })).status).toBe(401);
    const rotatedOfficerKey = await api.member(id, adminKey, 'field-officer');
    expect((await api.call('GET', `/v1/organizations/${id}/audit`, { key: rotatedOfficerKey })).status).toBe(
      403,
    );
    expect((await api.call('GET', `/v1/organizations/${id}/audit`, { key: other.adminKey })).status).toBe(
      404,
    );
  });
});

describe('integrations', () => {
  it('when an admin adds an integration (a member without an email), then its key works with its role, two integrations do not collide, and it cannot be invited', async () => {
    const { id, adminKey } = await api.organization('Integrations Relief');
    const first = await api.call('POST', `/v1/organizations/${id}/members`, {
      key: adminKey,
      body: { name: 'Accounting export', role: 'approver' },
    });
    const second = await api.call('POST', `/v1/organizations/${id}/members`, {
      key: adminKey,
      body: { name: 'Field app', role: 'field-officer' },
    });
    expect(first).toMatchObject({ status: 201, body: { email: null, role: 'approver' } });
    expect(second).toMatchObject({ status: 201, body: { email: null, role: 'field-officer' } });
    const key = (first.body as { apiKey: string }).apiKey;
    expect((await api.call('GET', `/v1/organizations/${id}/audit`, { key })).status).toBe(403);
    expect((await api.call('GET', '/v1/me', { key })).body).toMatchObject({
      member: { name: 'Accounting export', role: 'approver', email: null },
    });
    const invited = await api.call('POST', `/v1/organizations/${id}/members`, {
      key: adminKey,
      body: { name: 'Nobody', role: 'approver', invite: true },
    });
    expect(invited.status).toBe(400);
    expect((invited.body as { field: string }).field).toBe('email');
  });
});
