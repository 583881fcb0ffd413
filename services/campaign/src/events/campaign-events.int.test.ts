import { apiKeyHash, campaignEventSchema, topics, type CampaignEvent } from '@aid/contracts';
import { eventually, recordTopics, testEndpoints, type RecordedMessage } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMemberResponse, registeredOrganizationResponse } from '../http/schemas.ts';
import { campaignInput, startTestService, type TestService } from '../test-support/test-service.ts';

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

/** Every message about one subject, each checked to be a valid event of the topic, keyed by its subject. */
function eventsAbout(subject: string): CampaignEvent[] {
  const messages = recorder.messages.filter((message: RecordedMessage) => message.key === subject);
  return messages.map((message) => {
    const event = campaignEventSchema.parse(message.value);
    expect(event.subject).toBe(subject);
    expect(event.source).toBe('/services/campaign');
    expect(message.headers.ce_type).toBe(event.type);
    return event;
  });
}

const shortType = (event: CampaignEvent) => event.type.replace('org.diaspora-aid.campaign.', '');

describe('events on campaign.events.v1', () => {
  it("when an admin sets the organization's approval rule, then members read it, others cannot set it, and it is announced once per change", async () => {
    const organization = await api.organization('Approval Rule Relief');
    const approver = await api.member(organization.id, organization.adminKey, 'approver');
    expect(
      (await api.call('GET', `/v1/organizations/${organization.id}/settings`, { key: approver })).body,
    ).toEqual({ approvalsAboveThreshold: 2 });
    const set = await api.call('PUT', `/v1/organizations/${organization.id}/settings`, {
      key: organization.adminKey,
      body: { approvalsAboveThreshold: 3 },
    });
    expect(set).toMatchObject({ status: 200, body: { approvalsAboveThreshold: 3 } });
    // The same value again changes nothing and announces nothing.
    expect(
      (
        await api.call('PUT', `/v1/organizations/${organization.id}/settings`, {
          key: organization.adminKey,
          body: { approvalsAboveThreshold: 3 },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.call('PUT', `/v1/organizations/${organization.id}/settings`, {
          key: approver,
          body: { approvalsAboveThreshold: 2 },
        })
      ).status,
    ).toBe(403);
    const tooMany = await api.call('PUT', `/v1/organizations/${organization.id}/settings`, {
      key: organization.adminKey,
      body: { approvalsAboveThreshold: 11 },
    });
    expect(tooMany.status).toBe(400);
    expect(
      (await api.call('GET', `/v1/organizations/${organization.id}/settings`, { key: approver })).body,
    ).toEqual({ approvalsAboveThreshold: 3 });
    await eventually(() => {
      const changes = eventsAbout(organization.id).filter(
        (event) => event.type === 'org.diaspora-aid.campaign.organization-settings-changed',
      );
      expect(changes.map((event) => event.data)).toEqual([
        expect.objectContaining({ organizationId: organization.id, approvalsAboveThreshold: 3 }),
      ]);
    });
  });

  it('when an organization is registered and a member added, then each is announced under the organization id with the key hash', async () => {
    const registered = registeredOrganizationResponse.parse(
      (
        await api.call('POST', '/v1/organizations', {
          key: api.platformKey,
          body: { name: 'Horn of Africa Relief', country: 'SE', kind: 'ngo' },
        })
      ).body,
    );
    const member = newMemberResponse.parse(
      (
        await api.call('POST', `/v1/organizations/${registered.id}/members`, {
          key: registered.apiKey,
          body: { name: 'Hodan', email: 'hodan@example.org', role: 'approver' },
        })
      ).body,
    );

    const events = await eventually(() => {
      const found = eventsAbout(registered.id);
      expect(found).toHaveLength(3);
      return found;
    });
    expect(events.map(shortType)).toEqual(['organization-registered', 'member-added', 'member-added']);
    expect(events[0]?.data).toEqual({
      organizationId: registered.id,
      name: 'Horn of Africa Relief',
      country: 'SE',
      kind: 'ngo',
    });
    expect(events[1]?.data).toEqual({
      organizationId: registered.id,
      memberId: registered.member.id,
      role: 'admin',
      apiKeyHash: apiKeyHash(registered.apiKey),
    });
    expect(events[2]?.data).toEqual({
      organizationId: registered.id,
      memberId: member.id,
      role: 'approver',
      apiKeyHash: apiKeyHash(member.apiKey),
    });
    expect(JSON.stringify(events)).not.toContain(member.apiKey);
  });

  it('when a campaign goes through its life, then every change carries the full snapshot with a revision one higher, keyed by the campaign id', async () => {
    const org = await api.organization('Ukraine Winter Aid');
    const officerKey = await api.member(org.id, org.adminKey, 'field-officer');
    const { id } = await api.campaign(org.adminKey, { crisis: { kind: 'conflict', countries: ['UA'] } });
    await api.call('PATCH', `/v1/campaigns/${id}`, {
      key: org.adminKey,
      body: { summary: 'Generators and blankets for Kharkiv.' },
    });
    // Changes nothing: no new revision, no event.
    await api.call('PATCH', `/v1/campaigns/${id}`, {
      key: org.adminKey,
      body: { summary: 'Generators and blankets for Kharkiv.' },
    });
    await api.call('POST', `/v1/campaigns/${id}/publish`, { key: org.adminKey });
    await api.call('POST', `/v1/campaigns/${id}/publish`, { key: org.adminKey });
    const update = await api.call('POST', `/v1/campaigns/${id}/updates`, {
      key: officerKey,
      body: { title: 'Convoy arrived', body: '40 generators.' },
    });
    await api.call('POST', `/v1/campaigns/${id}/close`, { key: org.adminKey });

    const events = await eventually(() => {
      const found = eventsAbout(id);
      expect(found).toHaveLength(5);
      return found;
    });
    // Updates are their own documents, so only the campaign's own changes are ordered among themselves.
    expect(events.map(shortType).filter((type) => type !== 'update-posted')).toEqual([
      'created',
      'changed',
      'published',
      'closed',
    ]);

    const snapshots = events.flatMap((event) => ('campaign' in event.data ? [event.data.campaign] : []));
    expect(snapshots.map((snapshot) => snapshot.revision)).toEqual([1, 2, 3, 4]);
    expect(snapshots.map((snapshot) => snapshot.status)).toEqual(['draft', 'draft', 'active', 'closed']);
    expect(snapshots.at(-1)).toMatchObject({
      campaignId: id,
      organizationId: org.id,
      organizationName: 'Ukraine Winter Aid',
      summary: 'Generators and blankets for Kharkiv.',
      crisis: { kind: 'conflict', countries: ['UA'] },
      goal: { amount: 5_000_000, currency: 'USD' },
    });
    expect(snapshots.at(-1)?.closedAt).not.toBeNull();

    const posted = events.find((event) => event.type === 'org.diaspora-aid.campaign.update-posted');
    expect(posted?.data).toMatchObject({
      campaignId: id,
      updateId: (update.body as { id: string }).id,
      title: 'Convoy arrived',
      body: '40 generators.',
    });
  });

  it('when a campaign is created, then the event time and envelope follow CloudEvents with a UUIDv7 id', async () => {
    const org = await api.organization();
    const { id } = await api.campaign(org.adminKey, campaignInput({ title: 'Envelope check' }));
    const [created] = await eventually(() => {
      const found = eventsAbout(id);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(created).toMatchObject({
      specversion: '1.0',
      type: 'org.diaspora-aid.campaign.created',
      datacontenttype: 'application/json',
      dataschema: 'urn:diaspora-aid:event:campaign.created:v1',
    });
    expect(created?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(Date.parse(created?.time ?? '') - Date.now())).toBeLessThan(60_000);
  });
});
