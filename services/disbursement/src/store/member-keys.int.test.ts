import { newId } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { operationsOf, servedById, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemberStore, type MemberStore } from './members.store.ts';

describe('API keys are looked up by _id', () => {
  let db: Connection;
  let store: MemberStore;
  const now = new Date();
  const member = (apiKeyHash: string) => ({ memberId: newId(), organizationId: newId(), role: 'admin' as const, apiKeyHash });

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('disbursement_keys'));
    store = createMemberStore(db);
    // Other members around: a scan would read them all.
    for (let n = 0; n < 20; n += 1) await store.project(member(`hash-${newId()}`));
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a key is presented, then its member is found by _id reads only; a rotated or revoked key finds nobody', async () => {
    const admin = member(`hash-${newId()}`);
    await store.project(admin);
    const operations = await operationsOf(db, async () => {
      expect(await store.findByKeyHash(admin.apiKeyHash)).toEqual({ memberId: admin.memberId, organizationId: admin.organizationId, role: 'admin' });
      expect(await store.findByKeyHash('hash-nobody-has')).toBeNull();
    });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);

    const rotated = { ...admin, apiKeyHash: `hash-${newId()}`, keyRevision: 2 };
    await store.rotate(rotated);
    expect(await store.findByKeyHash(admin.apiKeyHash)).toBeNull();
    expect(await store.findByKeyHash(rotated.apiKeyHash)).toMatchObject({ memberId: admin.memberId });
    await store.revoke({ ...admin, revokedAt: now });
    expect(await store.findByKeyHash(rotated.apiKeyHash)).toBeNull();
  });

  it('when members were stored before the key links existed, then the start-up backfill links them once', async () => {
    const old = member(`hash-${newId()}`);
    await db.collection('members').insertOne({ _id: old.memberId, organizationId: old.organizationId, role: 'admin', apiKeyHash: old.apiKeyHash, keyRevision: 1 } as never);
    expect(await store.findByKeyHash(old.apiKeyHash)).toBeNull();
    await db.collection('api_key_links').deleteOne({ _id: 'mark:members-v1' } as never);
    expect(await store.backfillKeyLinks()).toBeGreaterThan(20);
    expect(await store.findByKeyHash(old.apiKeyHash)).toMatchObject({ memberId: old.memberId });
    expect(await store.backfillKeyLinks()).toBe(0);
  });
});
