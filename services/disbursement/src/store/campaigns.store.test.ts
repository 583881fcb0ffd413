import { describe, expect, it } from 'vitest';
import { readingEachCampaignOnce, type CampaignStore } from './campaigns.store.ts';

function countingStore() {
  const reads: string[] = [];
  const store: CampaignStore = {
    projectSettings: () => Promise.resolve(),
    project: () => Promise.resolve(),
    find: (campaignId) => {
      reads.push(campaignId);
      return Promise.resolve({
        campaignId,
        organizationId: 'org-1',
        currency: 'USD',
        status: 'active',
        approvalThreshold: null,
        approvalsAboveThreshold: 2,
      });
    },
  };
  return { store, reads };
}

describe('reading each campaign once', () => {
  it('when a request asks for the same campaign twice, then it is read once and both get the same campaign', async () => {
    const { store, reads } = countingStore();
    const once = readingEachCampaignOnce(store);
    const [first, second] = [await once.find('c-1'), await once.find('c-1')];
    expect(second).toBe(first);
    expect(await once.find('c-2')).toMatchObject({ campaignId: 'c-2' });
    expect(reads).toEqual(['c-1', 'c-2']);
  });

  it('when another request asks, then it reads the campaign again', async () => {
    const { store, reads } = countingStore();
    await readingEachCampaignOnce(store).find('c-1');
    await readingEachCampaignOnce(store).find('c-1');
    expect(reads).toEqual(['c-1', 'c-1']);
  });
});
