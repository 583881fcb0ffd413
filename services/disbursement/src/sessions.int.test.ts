import { randomBytes } from 'node:crypto';
import { envelope, topics } from '@aid/contracts';
import { rawSessionVerifyKey, sessionSigningKey, signSessionToken } from '@aid/http-kit';
import { eventually } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  campaignSource,
  catchUpTimeoutMs,
  memberRevoked,
  publishTwice,
  seedCampaign,
  startServiceUnderTest,
  type ServiceUnderTest,
} from './test-support/service-under-test.ts';

const seed = randomBytes(32);
let sut: ServiceUnderTest;

beforeAll(async () => {
  sut = await startServiceUnderTest(process.env.AID_TEST_LOG_LEVEL, {
    SESSION_VERIFY_KEY: rawSessionVerifyKey(seed).toString('base64'),
  });
}, catchUpTimeoutMs + 10_000);

afterAll(async () => {
  await sut.stop();
});

/** A session the campaign service would sign at sign-in, started `ago` ms before now. */
function sessionFor(
  memberId: string,
  organizationId: string,
  ago = 0,
  key = sessionSigningKey(seed),
): Promise<string> {
  const issuedAt = new Date(Math.floor((Date.now() - ago) / 1000) * 1000);
  return signSessionToken(
    {
      sessionId: randomBytes(8).toString('hex'),
      memberId,
      organizationId,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + 3_600_000),
    },
    key,
  );
}

function sessionsEnded(organizationId: string, memberId: string, endedAt: Date) {
  return envelope({
    type: 'org.diaspora-aid.campaign.member-sessions-ended',
    source: campaignSource,
    subject: organizationId,
    time: endedAt,
    data: { organizationId, memberId, endedAt: endedAt.toISOString() },
  });
}

describe("people's sessions in the disbursement service", () => {
  it('when a member acts with their session, then it is taken as theirs; a session signed by another key or for another organization is refused', async () => {
    const seeded = await seedCampaign(sut);
    const officer = await sessionFor(seeded.members.officer, seeded.organizationId);
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, officer)).status).toBe(200);

    const forged = await sessionFor(
      seeded.members.admin,
      seeded.organizationId,
      0,
      sessionSigningKey(randomBytes(32)),
    );
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, forged)).status).toBe(401);
    const elsewhere = await sessionFor(seeded.members.admin, '019a0000-0000-7000-8000-0000000000ff');
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, elsewhere)).status).toBe(401);
  });

  it('when a member signs out everywhere, then sessions started before stop working here and later ones work', async () => {
    const seeded = await seedCampaign(sut);
    const before = await sessionFor(seeded.members.admin, seeded.organizationId, 5_000);
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, before)).status).toBe(200);
    await publishTwice(topics.campaign, [
      sessionsEnded(seeded.organizationId, seeded.members.admin, new Date(Date.now() - 2_000)),
    ]);
    await eventually(
      async () =>
        expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, before)).status).toBe(401),
      { timeoutMs: 10_000 },
    );
    const after = await sessionFor(seeded.members.admin, seeded.organizationId);
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, after)).status).toBe(200);
    // The API key is not a session: it keeps working.
    expect(
      (await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, seeded.keys.admin)).status,
    ).toBe(200);
  });

  it('when a member is removed, then their session stops working here', async () => {
    const seeded = await seedCampaign(sut);
    const session = await sessionFor(seeded.members.approver, seeded.organizationId);
    expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, session)).status).toBe(200);
    await publishTwice(topics.campaign, [
      memberRevoked(seeded.organizationId, seeded.members.approver, seeded.members.admin),
    ]);
    await eventually(
      async () =>
        expect((await sut.call('GET', `/v1/campaigns/${seeded.campaignId}/funds`, session)).status).toBe(401),
      { timeoutMs: 10_000 },
    );
  });
});
