import { newId } from '@aid/contracts';
import { connectDatabase } from '@aid/store';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry, platformActor } from '../domain/audit.ts';
import { registerOrganization } from '../domain/organization.ts';
import { organizationStore, type OrganizationStore } from './organizations.store.ts';

const register = () =>
  registerOrganization(
    { name: `Org ${newId()}`, country: 'SO', kind: 'ngo' },
    { now: new Date(), newId, apiKeyHash: `hash-${newId()}` },
  );

describe('an organization audit trail as stored', () => {
  let db: Connection;
  let store: OrganizationStore;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('campaign_audit'));
    store = organizationStore(db);
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when entries are written, then their times are stored as dates and read back as the same instants, with empty details kept', async () => {
    const organization = register();
    const at = new Date('2026-11-30T08:15:00.123Z');
    await store.insert(
      organization,
      [],
      [auditEntry(newId(), 'organization.registered', platformActor, organization.id, at)],
    );
    const stored = await db.collection('organizations').findOne({ _id: organization.id as never });
    expect(stored?.['audit'][0].at).toBeInstanceOf(Date);
    expect(await store.audit(organization.id)).toEqual([
      expect.objectContaining({ action: 'organization.registered', at, details: {} }),
    ]);
  });

  it('when a trail was written while times were stored as text, then it reads as dates, in one order with newer entries', async () => {
    const organization = register();
    await store.insert(organization, [], []);
    const older = {
      id: newId(),
      actorMemberId: platformActor,
      action: 'organization.registered',
      targetId: organization.id,
      at: '2026-01-02T03:04:05.000Z',
    };
    await db
      .collection('organizations')
      .updateOne({ _id: organization.id as never }, { $push: { audit: older } } as never);
    await store.setApprovalRule(
      organization.id,
      2,
      [],
      auditEntry(
        newId(),
        'organization.approval-rule-changed',
        organization.members[0]!.id,
        organization.id,
        new Date('2026-02-01T00:00:00Z'),
        { approvals: 2 },
      ),
    );
    const trail = await store.audit(organization.id);
    expect(trail.map((entry) => entry.at.toISOString())).toEqual([
      '2026-01-02T03:04:05.000Z',
      '2026-02-01T00:00:00.000Z',
    ]);
    expect(trail[0]).toEqual({ ...older, at: new Date(older.at), details: {} });
  });
});
