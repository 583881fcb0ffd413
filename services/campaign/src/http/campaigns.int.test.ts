import { newId } from '@aid/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignInput,
  problemOf,
  startTestService,
  type TestService,
} from '../test-support/test-service.ts';
import {
  campaignListResponse,
  campaignResponse,
  campaignWithUpdatesResponse,
  updateResponse,
} from './schemas.ts';

let api: TestService;
let org: { id: string; adminKey: string };

beforeAll(async () => {
  api = await startTestService();
  org = await api.organization();
});

afterAll(async () => {
  await api?.stop();
});

const unknownId = '0190aaaa-0000-7000-8000-000000000000';

describe('campaign lifecycle', () => {
  it("when an admin creates a campaign, then it is a draft of the admin's organization", async () => {
    const answer = await api.call('POST', '/v1/campaigns', { key: org.adminKey, body: campaignInput() });
    expect(answer.status).toBe(201);
    const campaign = campaignResponse.parse(answer.body);
    expect(campaign).toMatchObject({
      organizationId: org.id,
      status: 'draft',
      title: 'Pakistan floods: clean water for Sindh',
      goal: { amount: 5_000_000, currency: 'USD' },
      crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
      publishedAt: null,
      closedAt: null,
    });
  });

  it('when a campaign is patched, published, patched again and closed, then every step follows the rules', async () => {
    const { id } = await api.campaign(org.adminKey);
    const key = org.adminKey;

    const patched = await api.call('PATCH', `/v1/campaigns/${id}`, {
      key,
      body: { title: 'Clean water for Sindh', goal: { amount: 100_000, currency: 'EUR' } },
    });
    expect(patched.status).toBe(200);
    expect(campaignResponse.parse(patched.body)).toMatchObject({
      title: 'Clean water for Sindh',
      goal: { amount: 100_000, currency: 'EUR' },
      status: 'draft',
    });

    const published = campaignResponse.parse(
      (await api.call('POST', `/v1/campaigns/${id}/publish`, { key })).body,
    );
    expect(published.status).toBe('active');
    expect(published.publishedAt).not.toBeNull();

    const again = await api.call('POST', `/v1/campaigns/${id}/publish`, { key });
    expect(again.status).toBe(409);
    expect(problemOf(again).detail).toContain('active');

    const currency = await api.call('PATCH', `/v1/campaigns/${id}`, {
      key,
      body: { goal: { amount: 100_000, currency: 'USD' } },
    });
    expect(currency.status).toBe(409);
    expect(problemOf(currency)).toMatchObject({ code: 'currency-locked', field: 'goal.currency' });

    const amount = await api.call('PATCH', `/v1/campaigns/${id}`, {
      key,
      body: { goal: { amount: 250_000, currency: 'EUR' } },
    });
    expect(campaignResponse.parse(amount.body).goal).toEqual({ amount: 250_000, currency: 'EUR' });

    const closed = campaignResponse.parse(
      (await api.call('POST', `/v1/campaigns/${id}/close`, { key })).body,
    );
    expect(closed.status).toBe('closed');
    expect(closed.closedAt).not.toBeNull();

    const closeAgain = await api.call('POST', `/v1/campaigns/${id}/close`, { key });
    expect(closeAgain.status).toBe(409);
    expect(problemOf(closeAgain).detail).toContain('closed');
    expect((await api.call('POST', `/v1/campaigns/${id}/publish`, { key })).status).toBe(409);
    const frozen = await api.call('PATCH', `/v1/campaigns/${id}`, { key, body: { title: 'Too late' } });
    expect(frozen.status).toBe(409);
    expect(problemOf(frozen).code).toBe('campaign-closed');
  });

  it('when a draft is closed, then it answers 409 naming its status', async () => {
    const { id } = await api.campaign(org.adminKey);
    const answer = await api.call('POST', `/v1/campaigns/${id}/close`, { key: org.adminKey });
    expect(answer.status).toBe(409);
    expect(problemOf(answer)).toMatchObject({ code: 'wrong-status' });
    expect(problemOf(answer).detail).toContain('draft');
  });

  it('when updates are posted, then only admins and field officers of an active or closed campaign can, and the campaign shows them newest first', async () => {
    const { id } = await api.campaign(org.adminKey);
    const officerKey = await api.member(org.id, org.adminKey, 'field-officer');
    const approverKey = await api.member(org.id, org.adminKey, 'approver');
    const news = { title: 'First filters delivered', body: '1,200 households in Dadu received filters.' };

    const onDraft = await api.call('POST', `/v1/campaigns/${id}/updates`, { key: org.adminKey, body: news });
    expect(onDraft.status).toBe(409);
    await api.call('POST', `/v1/campaigns/${id}/publish`, { key: org.adminKey });

    const posted = await api.call('POST', `/v1/campaigns/${id}/updates`, { key: officerKey, body: news });
    expect(posted.status).toBe(201);
    const update = updateResponse.parse(posted.body);
    expect(update).toMatchObject({ campaignId: id, ...news });

    const byApprover = await api.call('POST', `/v1/campaigns/${id}/updates`, {
      key: approverKey,
      body: news,
    });
    expect(byApprover.status).toBe(403);
    expect(problemOf(byApprover).detail).toMatch(/admin or field-officer/);

    await api.call('POST', `/v1/campaigns/${id}/close`, { key: org.adminKey });
    const afterClose = await api.call('POST', `/v1/campaigns/${id}/updates`, {
      key: org.adminKey,
      body: { title: 'Final report', body: 'All funds spent.' },
    });
    expect(afterClose.status).toBe(201);

    const page = campaignWithUpdatesResponse.parse((await api.call('GET', `/v1/campaigns/${id}`)).body);
    expect(page.updates.map((each) => each.title)).toEqual(['Final report', 'First filters delivered']);
  });
});

describe('roles and organizations', () => {
  it.each([
    {
      role: 'field-officer' as const,
      action: 'publish',
      path: (id: string) => `/v1/campaigns/${id}/publish`,
      method: 'POST',
      body: undefined,
    },
    {
      role: 'approver' as const,
      action: 'publish',
      path: (id: string) => `/v1/campaigns/${id}/publish`,
      method: 'POST',
      body: undefined,
    },
    {
      role: 'field-officer' as const,
      action: 'patch',
      path: (id: string) => `/v1/campaigns/${id}`,
      method: 'PATCH',
      body: { title: 'Mine now' },
    },
    {
      role: 'approver' as const,
      action: 'close',
      path: (id: string) => `/v1/campaigns/${id}/close`,
      method: 'POST',
      body: undefined,
    },
  ])(
    'when a $role tries to $action a campaign, then it answers 403 naming the role it needs',
    async ({ role, path, method, body }) => {
      const { id } = await api.campaign(org.adminKey);
      const key = await api.member(org.id, org.adminKey, role);
      const answer = await api.call(method, path(id), { key, body });
      expect(answer.status).toBe(403);
      expect(problemOf(answer)).toMatchObject({ code: 'role-required', field: 'authorization' });
      expect(problemOf(answer).detail).toContain('admin role');
    },
  );

  it('when a field officer drafts a campaign, then it is a draft of their organization, and an approver cannot draft one', async () => {
    const officer = await api.member(org.id, org.adminKey, 'field-officer');
    const drafted = await api.call('POST', '/v1/campaigns', { key: officer, body: campaignInput() });
    expect(drafted.status).toBe(201);
    expect(drafted.body).toMatchObject({ status: 'draft', organizationId: org.id });
    const approver = await api.member(org.id, org.adminKey, 'approver');
    const refused = await api.call('POST', '/v1/campaigns', { key: approver, body: campaignInput() });
    expect(refused.status).toBe(403);
  });

  it("when another organization's admin changes a campaign, then it answers 403 and nothing changes", async () => {
    const other = await api.organization('Other Org');
    const { id } = await api.campaign(org.adminKey);
    const patch = await api.call('PATCH', `/v1/campaigns/${id}`, {
      key: other.adminKey,
      body: { title: 'Hijacked' },
    });
    expect(patch.status).toBe(403);
    expect(problemOf(patch).code).toBe('other-organization');
    expect((await api.call('POST', `/v1/campaigns/${id}/publish`, { key: other.adminKey })).status).toBe(403);
    await api.call('POST', `/v1/campaigns/${id}/publish`, { key: org.adminKey });
    expect((await api.call('POST', `/v1/campaigns/${id}/close`, { key: other.adminKey })).status).toBe(403);
    expect(
      (
        await api.call('POST', `/v1/campaigns/${id}/updates`, {
          key: other.adminKey,
          body: { title: 'x', body: 'y' },
        })
      ).status,
    ).toBe(403);
    const campaign = campaignWithUpdatesResponse.parse((await api.call('GET', `/v1/campaigns/${id}`)).body);
    expect(campaign).toMatchObject({
      title: 'Pakistan floods: clean water for Sindh',
      status: 'active',
      updates: [],
    });
    // The public page names who runs it (never its members).
    expect(campaign.organization).toMatchObject({
      id: org.id,
      country: expect.stringMatching(/^[A-Z]{2}$/),
      kind: expect.any(String),
    });
    expect(JSON.stringify(campaign.organization)).not.toContain('members');
  });

  it('when an organization’s public page is asked for, then it shows who it is and its public campaigns, never members or drafts; before its first public campaign it shows who it is and no campaign', async () => {
    const runner = await api.organization('Somali Relief Network');
    const draft = await api.campaign(runner.adminKey);
    const early = await api.call('GET', `/v1/organizations/${runner.id}/profile`);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({
      organization: { id: runner.id, verification: { status: 'verified' } },
      campaigns: [],
    });
    const published = await api.campaign(runner.adminKey);
    await api.call('POST', `/v1/campaigns/${published.id}/publish`, { key: runner.adminKey });
    const profile = await api.call('GET', `/v1/organizations/${runner.id}/profile`);
    expect(profile.status).toBe(200);
    const body = profile.body as {
      organization: Record<string, unknown>;
      campaigns: { id: string; status: string }[];
    };
    expect(body.organization).toMatchObject({ id: runner.id, name: 'Somali Relief Network' });
    expect(body.campaigns.map((campaign) => campaign.id)).toEqual([published.id]);
    expect(JSON.stringify(body)).not.toContain(draft.id);
    expect(JSON.stringify(body)).not.toContain('members');
    expect((await api.call('GET', `/v1/organizations/${newId()}/profile`)).status).toBe(404);
  });

  it('when a draft is read, then only members of its organization see it; everyone else gets 404', async () => {
    const other = await api.organization('Curious Org');
    const officerKey = await api.member(org.id, org.adminKey, 'field-officer');
    const { id } = await api.campaign(org.adminKey);
    expect((await api.call('GET', `/v1/campaigns/${id}`)).status).toBe(404);
    expect((await api.call('GET', `/v1/campaigns/${id}`, { key: other.adminKey })).status).toBe(404);
    expect((await api.call('GET', `/v1/campaigns/${id}`, { key: officerKey })).status).toBe(200);
    expect((await api.call('GET', `/v1/campaigns/${id}`, { key: 'aid_not-a-real-key' })).status).toBe(401);
    await api.call('POST', `/v1/campaigns/${id}/publish`, { key: org.adminKey });
    expect((await api.call('GET', `/v1/campaigns/${id}`)).status).toBe(200);
  });

  it('when a campaign write has no key or an unknown key, then it answers 401', async () => {
    expect((await api.call('POST', '/v1/campaigns', { body: campaignInput() })).status).toBe(401);
    const answer = await api.call('POST', '/v1/campaigns', { key: 'aid_unknown', body: campaignInput() });
    expect(answer.status).toBe(401);
    expect(problemOf(answer).field).toBe('authorization');
  });
});

describe('listing', () => {
  it('when campaigns are listed page by page, then the pages hold every public campaign once, newest first, and no drafts', async () => {
    const lister = await api.organization('Lister');
    const published: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const { id } = await api.campaign(lister.adminKey, { title: `Campaign ${index}` });
      await api.call('POST', `/v1/campaigns/${id}/publish`, { key: lister.adminKey });
      published.push(id);
    }
    const closedId = published[0] as string;
    await api.call('POST', `/v1/campaigns/${closedId}/close`, { key: lister.adminKey });
    const draft = await api.campaign(lister.adminKey, { title: 'Still a draft' });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=2' : `?limit=2&cursor=${cursor}`;
      const answer = await api.call('GET', `/v1/campaigns${query}`);
      expect(answer.status).toBe(200);
      const page = campaignListResponse.parse(answer.body);
      expect(page.campaigns.length).toBeLessThanOrEqual(2);
      seen.push(...page.campaigns.map((campaign) => campaign.id));
      expect(page.campaigns.every((campaign) => campaign.status !== 'draft')).toBe(true);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toEqual(expect.arrayContaining(published));
    expect(seen).not.toContain(draft.id);
    expect(seen.indexOf(published[4] as string)).toBeLessThan(seen.indexOf(published[3] as string));

    const closedOnly = campaignListResponse.parse(
      (await api.call('GET', '/v1/campaigns?status=closed&limit=200')).body,
    );
    expect(closedOnly.campaigns.map((campaign) => campaign.id)).toContain(closedId);
    expect(closedOnly.campaigns.every((campaign) => campaign.status === 'closed')).toBe(true);
    const activeOnly = campaignListResponse.parse(
      (await api.call('GET', '/v1/campaigns?status=active&limit=200')).body,
    );
    expect(activeOnly.campaigns.map((campaign) => campaign.id)).not.toContain(closedId);
    expect(activeOnly.campaigns.every((campaign) => campaign.status === 'active')).toBe(true);
  });

  it.each([
    { query: '?limit=0', field: 'query.limit' },
    { query: '?limit=201', field: 'query.limit' },
    { query: '?limit=ten', field: 'query.limit' },
    { query: '?status=draft', field: 'query.status' },
    { query: '?cursor=%25%25%25', field: 'query.cursor' },
  ])('when the listing is asked for $query, then it answers 400 naming $field', async ({ query, field }) => {
    const answer = await api.call('GET', `/v1/campaigns${query}`);
    expect(answer.status).toBe(400);
    expect(problemOf(answer).field).toBe(field);
  });
});

describe('bad requests', () => {
  const valid = campaignInput();
  it.each([
    { field: 'title', body: { ...valid, title: '   ' } },
    { field: 'summary', body: { ...valid, summary: undefined } },
    { field: 'goal.amount', body: { ...valid, goal: { amount: 25.5, currency: 'USD' } } },
    { field: 'goal.amount', body: { ...valid, goal: { amount: 0, currency: 'USD' } } },
    { field: 'goal.amount', body: { ...valid, goal: { amount: '2500', currency: 'USD' } } },
    { field: 'goal.currency', body: { ...valid, goal: { amount: 2500, currency: 'usd' } } },
    { field: 'goal.currency', body: { ...valid, goal: { amount: 2500, currency: 'ABC' } } },
    { field: 'goal', body: { ...valid, goal: undefined } },
    { field: 'crisis.kind', body: { ...valid, crisis: { kind: 'meteor', countries: ['PK'] } } },
    { field: 'crisis.countries', body: { ...valid, crisis: { kind: 'flood', countries: [] } } },
    { field: 'crisis.countries.0', body: { ...valid, crisis: { kind: 'flood', countries: ['pk'] } } },
    { field: 'crisis.countries.1', body: { ...valid, crisis: { kind: 'flood', countries: ['PK', 'ZZ'] } } },
    {
      field: 'crisis.glide',
      body: { ...valid, crisis: { kind: 'flood', countries: ['PK'], glide: '2022-floods' } },
    },
  ])(
    'when a campaign is created with a bad $field, then it answers 400 naming it',
    async ({ field, body }) => {
      const answer = await api.call('POST', '/v1/campaigns', { key: org.adminKey, body });
      expect(answer.status).toBe(400);
      expect(problemOf(answer)).toMatchObject({ code: 'validation-failed', field });
    },
  );

  it.each([
    { field: 'status', body: { status: 'active' } },
    { field: '(body)', body: {} },
    { field: 'title', body: { title: '' } },
    { field: 'goal.currency', body: { goal: { amount: 10, currency: 'EURO' } } },
    { field: 'crisis.countries.0', body: { crisis: { kind: 'flood', countries: ['AA'] } } },
  ])(
    'when a campaign is patched with a bad $field, then it answers 400 naming it',
    async ({ field, body }) => {
      const { id } = await api.campaign(org.adminKey);
      const answer = await api.call('PATCH', `/v1/campaigns/${id}`, { key: org.adminKey, body });
      expect(answer.status).toBe(400);
      expect(problemOf(answer).field).toBe(field);
    },
  );

  it('when the body is malformed JSON or not JSON at all, then it answers 400 or 415', async () => {
    const malformed = await api.call('POST', '/v1/campaigns', {
      key: org.adminKey,
      rawBody: '{"title": "unterminated',
    });
    expect(malformed.status).toBe(400);
    expect(problemOf(malformed).code).toBe('malformed-json');
    const wrongType = await api.call('POST', '/v1/campaigns', {
      key: org.adminKey,
      rawBody: 'title=x',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(wrongType.status).toBe(415);
  });

  it('when an unknown campaign is read or changed, then it answers 404', async () => {
    expect((await api.call('GET', `/v1/campaigns/${unknownId}`)).status).toBe(404);
    expect(
      (await api.call('PATCH', `/v1/campaigns/${unknownId}`, { key: org.adminKey, body: { title: 'x' } }))
        .status,
    ).toBe(404);
    expect((await api.call('POST', `/v1/campaigns/${unknownId}/publish`, { key: org.adminKey })).status).toBe(
      404,
    );
    expect(
      (
        await api.call('POST', `/v1/campaigns/${unknownId}/updates`, {
          key: org.adminKey,
          body: { title: 'x', body: 'y' },
        })
      ).status,
    ).toBe(404);
    expect(problemOf(await api.call('GET', '/v1/campaigns/not%20an%20id')).field).toBe('params.id');
  });

  it('when the API description is fetched, then it lists every campaign endpoint', async () => {
    const answer = await api.call('GET', '/openapi.json');
    const paths = Object.keys((answer.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/organizations',
        '/v1/organizations/{id}',
        '/v1/organizations/{id}/members',
        '/v1/campaigns',
        '/v1/campaigns/{id}',
        '/v1/campaigns/{id}/publish',
        '/v1/campaigns/{id}/close',
        '/v1/campaigns/{id}/updates',
      ]),
    );
  });
});
