import { randomBytes } from 'node:crypto';
import { apiKeyHash, newId } from '@aid/contracts';
import { rawSessionVerifyKey, sessionSigningKey, sessionVerifyKey, signSessionToken } from '@aid/http-kit';
import { connectDatabase } from '@aid/store';
import { operationsOf, servedById, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOfCredential } from './authenticate.ts';
import { memberProjection, type MemberProjection } from './member-projection.ts';

describe("a service's copy of the members", () => {
  let db: Connection;
  let members: MemberProjection;
  const seed = randomBytes(32);
  const verifyKey = sessionVerifyKey(rawSessionVerifyKey(seed));
  const someone = (key = `aid_${randomBytes(8).toString('hex')}`) => ({
    key,
    member: {
      memberId: newId(),
      organizationId: newId(),
      role: 'admin' as const,
      apiKeyHash: apiKeyHash(key),
    },
  });
  const session = (memberId: string, organizationId: string, issuedAt: Date) =>
    signSessionToken(
      {
        sessionId: newId(),
        memberId,
        organizationId,
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + 3_600_000),
      },
      sessionSigningKey(seed),
    );

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('access'));
    members = memberProjection(db);
    // Other members around: a scan would read them all.
    for (let n = 0; n < 20; n += 1) await members.added(someone().member);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a key is presented, then its member is found by _id reads only', async () => {
    const { key, member } = someone();
    await members.added(member);
    const operations = await operationsOf(db, async () => {
      expect(await memberOfCredential(members, key, verifyKey)).toEqual({
        memberId: member.memberId,
        organizationId: member.organizationId,
        role: 'admin',
      });
      expect(await memberOfCredential(members, 'aid_nobody', verifyKey)).toBeNull();
    });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
  });

  it('when a key is rotated, then only the newest works, and late or repeated events never bring an old one back', async () => {
    const first = someone();
    await members.added(first.member);
    const second = `aid_${randomBytes(8).toString('hex')}`;
    const third = `aid_${randomBytes(8).toString('hex')}`;
    await members.keyRotated({ ...first.member, apiKeyHash: apiKeyHash(third), keyRevision: 3 });
    await members.keyRotated({ ...first.member, apiKeyHash: apiKeyHash(second), keyRevision: 2 });
    await members.added(first.member);
    expect(await memberOfCredential(members, third, verifyKey)).toMatchObject({
      memberId: first.member.memberId,
    });
    expect(await memberOfCredential(members, second, verifyKey)).toBeNull();
    expect(await memberOfCredential(members, first.key, verifyKey)).toBeNull();
  });

  it('when a member is removed, then neither their key nor their session works, and a replayed member-added does not revive them', async () => {
    const { key, member } = someone();
    await members.added(member);
    const token = await session(member.memberId, member.organizationId, new Date());
    expect(await memberOfCredential(members, token, verifyKey)).toMatchObject({ memberId: member.memberId });
    await members.revoked({ ...member, revokedAt: new Date() });
    await members.added(member);
    expect(await memberOfCredential(members, key, verifyKey)).toBeNull();
    expect(await memberOfCredential(members, token, verifyKey)).toBeNull();
  });

  it('when a member signs out everywhere, then sessions started before stop, later ones work, and an older end changes nothing', async () => {
    const { member } = someone();
    await members.added(member);
    const now = Date.now();
    const before = await session(member.memberId, member.organizationId, new Date(now - 10_000));
    const after = await session(member.memberId, member.organizationId, new Date(now));
    await members.sessionsEnded({ memberId: member.memberId, endedAt: new Date(now - 5_000) });
    await members.sessionsEnded({ memberId: member.memberId, endedAt: new Date(now - 20_000) });
    expect(await memberOfCredential(members, before, verifyKey)).toBeNull();
    expect(await memberOfCredential(members, after, verifyKey)).toMatchObject({ memberId: member.memberId });
    // A session for the member but another organization is not theirs.
    expect(
      await memberOfCredential(members, await session(member.memberId, newId(), new Date(now)), verifyKey),
    ).toBeNull();
  });

  it('when copies were written by the earlier donation shape (revoked: true, no links), then they read the same', async () => {
    const removed = someone();
    await db.collection('members').insertOne({
      _id: removed.member.memberId,
      organizationId: removed.member.organizationId,
      role: 'admin',
      apiKeyHash: removed.member.apiKeyHash,
      keyRevision: 1,
      revoked: true,
      updatedAt: new Date(),
    } as never);
    const kept = someone();
    await db.collection('members').insertOne({
      _id: kept.member.memberId,
      organizationId: kept.member.organizationId,
      role: 'approver',
      apiKeyHash: kept.member.apiKeyHash,
      keyRevision: 1,
      revoked: false,
      updatedAt: new Date(),
    } as never);
    await db.collection('api_key_links').deleteOne({ _id: 'mark:members-v1' } as never);
    expect(await members.backfillKeyLinks()).toBeGreaterThan(20);
    expect(await memberOfCredential(members, removed.key, verifyKey)).toBeNull();
    expect(await memberOfCredential(members, kept.key, verifyKey)).toMatchObject({ role: 'approver' });
    // A rotation reaches the old shape too, and a removal stays one.
    const rotated = `aid_${randomBytes(8).toString('hex')}`;
    await members.keyRotated({
      ...kept.member,
      role: 'approver',
      apiKeyHash: apiKeyHash(rotated),
      keyRevision: 2,
    });
    expect(await memberOfCredential(members, rotated, verifyKey)).toMatchObject({
      memberId: kept.member.memberId,
    });
    await members.keyRotated({ ...removed.member, apiKeyHash: apiKeyHash(rotated + 'x'), keyRevision: 2 });
    expect(await memberOfCredential(members, rotated + 'x', verifyKey)).toBeNull();
  });
});
