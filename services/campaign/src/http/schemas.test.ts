import { describe, expect, it } from 'vitest';
import { encodeCursor, listCampaignsQuery, patchCampaignBody } from './schemas.ts';

describe('request schemas', () => {
  it('when a cursor given out is sent back, then it decodes to the id it was made from', () => {
    const id = '0190aaaa-0000-7000-8000-000000000000';
    expect(listCampaignsQuery.parse({ cursor: encodeCursor(id) })).toEqual({ cursor: id, limit: 50 });
  });

  it('when no limit is sent, then it is 50; a limit above 200 is refused', () => {
    expect(listCampaignsQuery.parse({}).limit).toBe(50);
    expect(listCampaignsQuery.safeParse({ limit: '201' }).success).toBe(false);
  });

  it('when a patch names a field that cannot change, then the issue is on that field', () => {
    const result = patchCampaignBody.safeParse({ title: 'ok', titel: 'typo' });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['titel']]);
  });
});
