import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestService, type TestService } from '../test-support/test-service.ts';
import { organizationCampaignsResponse } from './schemas.ts';

let api: TestService;

beforeAll(async () => {
  api = await startTestService();
});

afterAll(async () => {
  await api?.stop();
});

describe("an organization's own campaigns", () => {
  it('when a member lists them, then drafts are included, newest first; another organization is told nothing', async () => {
    const org = await api.organization();
    const fieldKey = await api.member(org.id, org.adminKey, 'field-officer');
    const first = await api.campaign(org.adminKey, { title: 'First' });
    await api.call('POST', `/v1/campaigns/${first.id}/publish`, { key: org.adminKey });
    const draft = await api.campaign(org.adminKey, { title: 'Still a draft' });

    const answer = await api.call('GET', `/v1/organizations/${org.id}/campaigns`, { key: fieldKey });
    expect(answer.status).toBe(200);
    const listed = organizationCampaignsResponse.parse(answer.body).campaigns;
    expect(listed.map((campaign) => [campaign.id, campaign.status])).toEqual([
      [draft.id, 'draft'],
      [first.id, 'active'],
    ]);

    const other = await api.organization('Someone else');
    const refused = await api.call('GET', `/v1/organizations/${org.id}/campaigns`, { key: other.adminKey });
    expect(refused.status).toBe(404);
    expect(problemOf(refused).code).toBe('organization-not-found');
    expect((await api.call('GET', `/v1/organizations/${org.id}/campaigns`)).status).toBe(401);
  });
});
