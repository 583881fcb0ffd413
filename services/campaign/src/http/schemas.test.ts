import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addMemberBody, encodeCursor, listCampaignsQuery, patchCampaignBody } from './schemas.ts';

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

  it('when a cursor is checked, then the published pattern accepts exactly what the check accepts', () => {
    const published = z.toJSONSchema(listCampaignsQuery, { io: 'input' }) as unknown as {
      properties: { cursor: { pattern?: string } };
    };
    const pattern = new RegExp(published.properties.cursor.pattern ?? '(?!)');
    for (const cursor of [
      encodeCursor('0190aaaa-0000-7000-8000-000000000000'),
      encodeCursor('a_B-9'),
      '00',
      '2d2D',
      'zz',
      '%%%',
      'MDE5MA',
      '',
    ]) {
      expect(pattern.test(cursor), cursor).toBe(listCampaignsQuery.safeParse({ cursor }).success);
    }
  });

  it('when an email is checked, then the published schema states the pattern checked, not the looser email format', () => {
    const published = z.toJSONSchema(addMemberBody) as unknown as {
      properties: { email: { pattern?: string; format?: string } };
    };
    expect(published.properties.email.format).toBeUndefined();
    const pattern = new RegExp(published.properties.email.pattern ?? '(?!)');
    for (const email of ['amina@example.org', '#{enc0k@vwr.22i.org', 'a..b@example.org', 'nope']) {
      expect(pattern.test(email), email).toBe(addMemberBody.shape.email.safeParse(email).success);
    }
  });
});
