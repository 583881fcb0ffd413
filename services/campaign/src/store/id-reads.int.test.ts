import { newId } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { operationsOf, servedById, testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../domain/audit.ts';
import { aCampaign } from '../domain/fixtures.ts';
import { registerOrganization, rotateKey } from '../domain/organization.ts';
import { campaignStore } from './campaigns.store.ts';
import { organizationStore, type OrganizationStore } from './organizations.store.ts';
import { updateStore } from './updates.store.ts';

const audit = (action: AuditEntry['action'], targetId: string): AuditEntry => ({
  id: newId(),
  actorMemberId: 'member-1',
  action,
  targetId,
  at: new Date(),
  details: {},
});

const register = (apiKeyHash: string) =>
  registerOrganization(
    { name: `Org ${newId()}`, country: 'SO', kind: 'ngo' },
    { now: new Date(), newId, apiKeyHash },
  );

describe('API keys are looked up by _id', () => {
  let db: Connection;
  let store: OrganizationStore;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('campaign_keys'));
    store = organizationStore(db);
    // Other organizations around: a scan would read them all.
    for (let n = 0; n < 20; n += 1) await store.insert(register(`hash-${newId()}`), [], []);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when a key is presented, then its member is found by _id reads only; after a rotation the old key finds nobody', async () => {
    const organization = register(`hash-${newId()}`);
    await store.insert(organization, [], []);
    const admin = organization.members[0]!;
    const operations = await operationsOf(db, async () => {
      expect(await store.actorByKeyHash(admin.apiKeyHash)).toMatchObject({
        memberId: admin.id,
        organizationId: organization.id,
        role: 'admin',
      });
      expect(await store.actorByKeyHash('hash-nobody-has')).toBeNull();
    });
    expect(operations.length).toBeGreaterThan(0);
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);

    const actor = {
      memberId: admin.id,
      organizationId: organization.id,
      organizationName: organization.name,
      role: 'admin' as const,
    };
    const rotated = rotateKey(organization, actor, admin.id, `hash-${newId()}`);
    expect(
      await store.replaceMember(organization.id, rotated, admin.apiKeyHash, [], {
        id: newId(),
        actorMemberId: admin.id,
        action: 'member.key-rotated',
        targetId: admin.id,
        at: new Date(),
        details: {},
      }),
    ).toBe(true);
    expect(await store.actorByKeyHash(admin.apiKeyHash)).toBeNull();
    expect(await store.actorByKeyHash(rotated.apiKeyHash)).toMatchObject({ memberId: admin.id });
  });

  it('when two members change at once, then every change reported saved is kept', async () => {
    // The members array is rewritten whole; two rewrites from one read must not let the later undo the earlier.
    const organization = register(`hash-${newId()}`);
    await store.insert(organization, [], []);
    const admin = organization.members[0]!;
    const actor = {
      memberId: admin.id,
      organizationId: organization.id,
      organizationName: organization.name,
      role: 'admin' as const,
    };
    const other = {
      ...admin,
      id: newId(),
      email: `${newId()}@example.org`,
      role: 'approver' as const,
      apiKeyHash: `hash-${newId()}`,
    };
    expect(await store.appendMember(organization.id, other, [], audit('member.added', other.id))).toBe(
      'added',
    );
    for (let round = 0; round < 10; round += 1) {
      const current = (await store.find(organization.id))!;
      const [first, second] = current.members.map((member) =>
        rotateKey(current, actor, member.id, `hash-${newId()}`),
      );
      const saved = await Promise.all(
        [first!, second!].map((rotated, index) =>
          store.replaceMember(
            organization.id,
            rotated,
            current.members[index]!.apiKeyHash,
            [],
            audit('member.key-rotated', rotated.id),
          ),
        ),
      );
      expect(saved.some(Boolean)).toBe(true);
      const stored = (await store.find(organization.id))!.members.map((member) => member.apiKeyHash);
      [first!, second!].forEach((rotated, index) =>
        expect(stored[index]).toBe(saved[index] ? rotated.apiKeyHash : current.members[index]!.apiKeyHash),
      );
    }
  });

  it('when organizations were stored before the key links existed, then the start-up backfill links them once', async () => {
    const old = register(`hash-${newId()}`);
    const admin = old.members[0]!;
    await db.collection('organizations').insertOne({
      _id: old.id,
      name: old.name,
      country: old.country,
      kind: old.kind,
      createdAt: new Date(),
      members: [{ ...admin, createdAt: new Date(), revokedAt: null }],
      audit: [],
      outbox: [],
    } as never);
    expect(await store.actorByKeyHash(admin.apiKeyHash)).toBeNull();
    await db.collection('api_key_links').deleteOne({ _id: 'mark:organizations-v1' } as never);
    expect(await store.backfillKeyLinks()).toBeGreaterThan(20);
    expect(await store.actorByKeyHash(admin.apiKeyHash)).toMatchObject({ organizationId: old.id });
    expect(await store.backfillKeyLinks()).toBe(0);
  });

  it('when the public list, a campaign’s latest updates or an organization’s campaigns are read, then only _id reads are sent, and a closed campaign leaves the active list', async () => {
    const campaigns = campaignStore(db);
    const updates = updateStore(db);
    const organizationId = newId();
    const ids: string[] = [];
    for (let n = 0; n < 6; n += 1) {
      const campaign = aCampaign({ id: newId(), organizationId, status: 'draft' });
      await campaigns.insert(campaign, [], audit('campaign.created', campaign.id));
      await campaigns.replace(
        { ...campaign, status: 'active', revision: 2 },
        1,
        [],
        audit('campaign.published', campaign.id),
      );
      ids.push(campaign.id);
    }
    const [first] = ids;
    const closing = aCampaign({ id: ids[5]!, organizationId, status: 'closed', revision: 3 });
    expect(await campaigns.replace(closing, 2, [], audit('campaign.closed', closing.id))).toBe(true);
    for (let n = 0; n < 4; n += 1)
      await updates.insert(
        {
          id: newId(),
          campaignId: first!,
          title: `Update ${n}`,
          body: 'Kits delivered.',
          postedAt: new Date().toISOString(),
        },
        [],
        audit('campaign.update-posted', first!),
      );

    let active: string[] = [];
    let latest: string[] = [];
    const operations = await operationsOf(db, async () => {
      active = (await campaigns.list({ statuses: ['active'], limit: 3 })).map((campaign) => campaign.id);
      latest = (await updates.latest(first!, 2)).map((update) => update.title);
      await campaigns.auditOfOrganization(organizationId);
    });
    expect(operations.filter((operation) => !servedById(operation))).toEqual([]);
    expect(active).toEqual([ids[4], ids[3], ids[2]]);
    expect(latest).toEqual(['Update 3', 'Update 2']);
    expect(
      (await campaigns.list({ statuses: ['closed'], limit: 10 })).map((campaign) => campaign.id),
    ).toContain(ids[5]);
    expect(
      (await campaigns.list({ statuses: ['active'], limit: 10, before: ids[2] })).map(
        (campaign) => campaign.id,
      ),
    ).toEqual([ids[1], ids[0]]);
  });
});
