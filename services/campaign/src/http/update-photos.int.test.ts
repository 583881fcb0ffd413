import { createHash } from 'node:crypto';
import { campaignEventSchema, topics } from '@aid/contracts';
import { eventually, recordTopics, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, startTestService, type TestService } from '../test-support/test-service.ts';
import { campaignWithUpdatesResponse, updateResponse } from './schemas.ts';

let api: TestService;
let recorder: Awaited<ReturnType<typeof recordTopics>>;
let org: { id: string; adminKey: string };
let campaignId: string;

beforeAll(async () => {
  recorder = await recordTopics(testEndpoints().kafkaBrokers, [topics.campaign]);
  api = await startTestService();
  org = await api.organization();
  campaignId = (await api.campaign(org.adminKey)).id;
  await api.call('POST', `/v1/campaigns/${campaignId}/publish`, { key: org.adminKey });
});

afterAll(async () => {
  await api?.stop();
  await recorder?.stop();
});

// The first bytes of each format, then filler: the service reads the signature, not the rest.
const jpeg = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('a small photo of a water filter'),
]);
const webp = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([0x20, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(20, 1),
]);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function fetchPhoto(path: string) {
  const response = await fetch(`${api.service.url}${path}`);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('update photos', () => {
  it('when an update is posted with a JPEG photo, then its hash is on the update and anyone can fetch the exact bytes, not sniffed', async () => {
    const answer = await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
      key: org.adminKey,
      body: { title: 'Filters delivered', body: '200 filters in Dadu.', photo: jpeg.toString('base64') },
    });
    expect(answer.status).toBe(201);
    const update = updateResponse.parse(answer.body);
    expect(update.photo).toEqual({
      contentType: 'image/jpeg',
      size: jpeg.length,
      sha256: sha256(jpeg),
      href: `/v1/campaigns/${campaignId}/updates/${update.id}/photo`,
    });

    const { response, bytes } = await fetchPhoto(update.photo?.href ?? '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-content-sha256')).toBe(sha256(jpeg));
    expect(bytes.equals(jpeg)).toBe(true);

    const page = campaignWithUpdatesResponse.parse(
      (await api.call('GET', `/v1/campaigns/${campaignId}`)).body,
    );
    expect(page.updates.find((shown) => shown.id === update.id)?.photo?.sha256).toBe(sha256(jpeg));
  });

  it('when a WebP photo is posted, then it is served as WebP; an update without a photo has none to fetch', async () => {
    const withPhoto = updateResponse.parse(
      (
        await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
          key: org.adminKey,
          body: { title: 'Camp', body: 'Tents up.', photo: webp.toString('base64') },
        })
      ).body,
    );
    expect(withPhoto.photo?.contentType).toBe('image/webp');
    expect((await fetchPhoto(withPhoto.photo?.href ?? '')).response.headers.get('content-type')).toBe(
      'image/webp',
    );

    const without = updateResponse.parse(
      (
        await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
          key: org.adminKey,
          body: { title: 'Text only', body: 'No picture.' },
        })
      ).body,
    );
    expect(without.photo).toBeNull();
    const missing = await api.call('GET', `/v1/campaigns/${campaignId}/updates/${without.id}/photo`);
    expect(missing.status).toBe(404);
    expect(problemOf(missing).field).toBe('updateId');
  });

  it('when the photo is not an image of an accepted type, then it is refused naming the photo field, and no update is posted', async () => {
    const pdf = Buffer.from('%PDF-1.7 not a photo');
    const gif = Buffer.from('GIF89a pretending');
    for (const bytes of [pdf, gif]) {
      const answer = await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
        key: org.adminKey,
        body: { title: 'Refused', body: 'x', photo: bytes.toString('base64') },
      });
      expect(answer.status).toBe(415);
      expect(problemOf(answer)).toMatchObject({ code: 'photo-unsupported', field: 'photo' });
    }
    const notBase64 = await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
      key: org.adminKey,
      body: { title: 'Refused', body: 'x', photo: 'not base64!' },
    });
    expect(notBase64.status).toBe(400);
    expect(problemOf(notBase64).field).toBe('photo');
    const page = campaignWithUpdatesResponse.parse(
      (await api.call('GET', `/v1/campaigns/${campaignId}`)).body,
    );
    expect(page.updates.some((update) => update.title === 'Refused')).toBe(false);
  });

  it('when the photo is one byte over 5 MiB, then it is refused as too large naming the photo field', async () => {
    const big = Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024 + 1 - jpeg.length, 7)]);
    const answer = await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
      key: org.adminKey,
      body: { title: 'Too big', body: 'x', photo: big.toString('base64') },
    });
    expect(answer.status).toBe(413);
    expect(problemOf(answer)).toMatchObject({ code: 'photo-too-large', field: 'photo' });

    const exact = Buffer.concat([jpeg, Buffer.alloc(5 * 1024 * 1024 - jpeg.length, 7)]);
    const accepted = await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
      key: org.adminKey,
      body: { title: 'Just fits', body: 'x', photo: exact.toString('base64') },
    });
    expect(accepted.status).toBe(201);
  });

  it('when an approver posts an update with a photo, then the role is refused before the photo is looked at', async () => {
    const approverKey = await api.member(org.id, org.adminKey, 'approver');
    const answer = await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
      key: approverKey,
      body: { title: 'No', body: 'x', photo: Buffer.from('junk').toString('base64') },
    });
    expect(answer.status).toBe(403);
    expect(problemOf(answer).code).toBe('role-required');
  });

  it('when an update with a photo is posted, then the update-posted event carries the photo hash', async () => {
    const update = updateResponse.parse(
      (
        await api.call('POST', `/v1/campaigns/${campaignId}/updates`, {
          key: org.adminKey,
          body: { title: 'On the record', body: 'Hashed.', photo: jpeg.toString('base64') },
        })
      ).body,
    );
    const event = await eventually(() => {
      const found = recorder.messages
        .filter((message) => message.key === campaignId)
        .map((message) => campaignEventSchema.parse(message.value))
        .find(
          (candidate) =>
            candidate.type === 'org.diaspora-aid.campaign.update-posted' &&
            candidate.data.updateId === update.id,
        );
      expect(found).toBeDefined();
      return found;
    });
    expect(event?.data).toMatchObject({
      updateId: update.id,
      photo: { contentType: 'image/jpeg', size: jpeg.length, sha256: sha256(jpeg) },
    });
  });
});
