import { apiKeyHash } from '@aid/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestService, type TestService } from '../test-support/test-service.ts';
import { newMemberResponse, organizationResponse, registeredOrganizationResponse } from './schemas.ts';

let api: TestService;

beforeAll(async () => {
  api = await startTestService();
});

afterAll(async () => {
  await api?.stop();
});

const organizationBody = { name: 'Haiti Diaspora Solidarity', country: 'US', kind: 'diaspora-association' };

describe('organizations', () => {
  it('when the platform admin registers an organization, then it answers the record, its first admin and a key that works', async () => {
    const answer = await api.call('POST', '/v1/organizations', {
      key: api.platformKey,
      body: organizationBody,
    });
    expect(answer.status).toBe(201);
    const registered = registeredOrganizationResponse.parse(answer.body);
    expect(registered).toMatchObject({
      name: 'Haiti Diaspora Solidarity',
      country: 'US',
      kind: 'diaspora-association',
    });
    expect(registered.member).toMatchObject({ name: 'Administrator', role: 'admin' });
    expect(registered.apiKey).toMatch(/^aid_[A-Za-z0-9_-]{43}$/);

    const read = await api.call('GET', `/v1/organizations/${registered.id}`, { key: registered.apiKey });
    expect(read.status).toBe(200);
    const organization = organizationResponse.parse(read.body);
    expect(organization.members).toEqual([
      expect.objectContaining({ id: registered.member.id, role: 'admin', email: null }),
    ]);
    const text = JSON.stringify(read.body);
    expect(text).not.toContain(apiKeyHash(registered.apiKey));
    expect(text).not.toContain(registered.apiKey);
    expect(text).not.toContain('apiKeyHash');
  });

  it.each([
    { case: 'no key', key: undefined, status: 401 },
    { case: 'an unknown key', key: 'not-the-platform-key-not-the-platform-key', status: 401 },
  ])('when an organization is registered with $case, then it answers $status', async ({ key, status }) => {
    const answer = await api.call('POST', '/v1/organizations', { key, body: organizationBody });
    expect(answer.status).toBe(status);
    expect(problemOf(answer).field).toBe('authorization');
  });

  it("when a member's key is used to register an organization, then it answers 403 asking for the platform key", async () => {
    const { adminKey } = await api.organization();
    const answer = await api.call('POST', '/v1/organizations', { key: adminKey, body: organizationBody });
    expect(answer.status).toBe(403);
    expect(problemOf(answer).code).toBe('platform-admin-required');
  });

  it('when an admin adds members, then each answers with its own key and role, and the email can join only once', async () => {
    const { id, adminKey } = await api.organization();
    const added = await api.call('POST', `/v1/organizations/${id}/members`, {
      key: adminKey,
      body: { name: 'Jean Baptiste', email: 'Jean@Example.org', role: 'approver' },
    });
    expect(added.status).toBe(201);
    const member = newMemberResponse.parse(added.body);
    expect(member).toMatchObject({ name: 'Jean Baptiste', email: 'jean@example.org', role: 'approver' });
    expect(member.apiKey).not.toBe(adminKey);

    const again = await api.call('POST', `/v1/organizations/${id}/members`, {
      key: adminKey,
      body: { name: 'Jean again', email: 'jean@example.ORG', role: 'field-officer' },
    });
    expect(again.status).toBe(409);
    expect(problemOf(again)).toMatchObject({ code: 'email-taken', field: 'email' });

    const read = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}`, { key: member.apiKey })).body,
    );
    expect(read.members.map((each) => each.role).sort()).toEqual(['admin', 'approver']);
  });

  it('when members are added one after another while their events are published, then every one of them stays', async () => {
    const { id, adminKey } = await api.organization();
    const keys: string[] = [];
    for (let index = 0; index < 8; index += 1) keys.push(await api.member(id, adminKey, 'field-officer'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const key of keys)
      expect((await api.call('GET', `/v1/organizations/${id}`, { key })).status).toBe(200);
    const organization = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${id}`, { key: adminKey })).body,
    );
    expect(organization.members).toHaveLength(9);
  });

  it('when a member who is not an admin adds a member, then it answers 403 naming the admin role', async () => {
    const { id, adminKey } = await api.organization();
    const approverKey = await api.member(id, adminKey, 'approver');
    const answer = await api.call('POST', `/v1/organizations/${id}/members`, {
      key: approverKey,
      body: { name: 'Someone', email: 'someone@example.org', role: 'admin' },
    });
    expect(answer.status).toBe(403);
    expect(problemOf(answer)).toMatchObject({ code: 'role-required' });
    expect(problemOf(answer).detail).toContain('admin');
  });

  it("when a member of one organization reads or changes another's, then reads are 404 and writes 403", async () => {
    const first = await api.organization('First');
    const second = await api.organization('Second');
    const read = await api.call('GET', `/v1/organizations/${first.id}`, { key: second.adminKey });
    expect(read.status).toBe(404);
    const write = await api.call('POST', `/v1/organizations/${first.id}/members`, {
      key: second.adminKey,
      body: { name: 'Intruder', email: 'intruder@example.org', role: 'admin' },
    });
    expect(write.status).toBe(403);
    expect(problemOf(write).code).toBe('other-organization');
    const members = organizationResponse.parse(
      (await api.call('GET', `/v1/organizations/${first.id}`, { key: first.adminKey })).body,
    ).members;
    expect(members).toHaveLength(1);
  });

  it('when an unknown key or an unknown organization is used, then it answers 401 and 404', async () => {
    const { adminKey } = await api.organization();
    expect(
      (
        await api.call('GET', '/v1/organizations/0190aaaa-0000-7000-8000-000000000000', {
          key: 'aid_unknown',
        })
      ).status,
    ).toBe(401);
    expect(
      (await api.call('GET', '/v1/organizations/0190aaaa-0000-7000-8000-000000000000', { key: adminKey }))
        .status,
    ).toBe(404);
    expect(
      (
        await api.call('POST', '/v1/organizations/0190aaaa-0000-7000-8000-000000000000/members', {
          key: adminKey,
          body: { name: 'X', email: 'x@example.org', role: 'admin' },
        })
      ).status,
    ).toBe(404);
  });

  it.each([
    ['name', { ...organizationBody, name: '' }],
    ['name', { country: 'US', kind: 'ngo' }],
    ['country', { ...organizationBody, country: 'usa' }],
    ['country', { ...organizationBody, country: 'ZZ' }],
    ['kind', { ...organizationBody, kind: 'company' }],
    ['admin.email', { ...organizationBody, admin: { email: 'not-an-email' } }],
  ])('when an organization body has a bad %s, then it answers 400 naming it', async (field, body) => {
    const answer = await api.call('POST', '/v1/organizations', { key: api.platformKey, body });
    expect(answer.status).toBe(400);
    expect(problemOf(answer).field).toBe(field);
  });

  it.each([
    ['role', { name: 'A', email: 'a@example.org', role: 'owner' }],
    ['email', { name: 'A', email: 'a-at-example.org', role: 'admin' }],
    ['name', { email: 'a@example.org', role: 'admin' }],
  ])('when a member body has a bad %s, then it answers 400 naming it', async (field, body) => {
    const { id, adminKey } = await api.organization();
    const answer = await api.call('POST', `/v1/organizations/${id}/members`, { key: adminKey, body });
    expect(answer.status).toBe(400);
    expect(problemOf(answer).field).toBe(field);
  });
});
