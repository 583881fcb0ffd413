import { describe, expect, it } from 'vitest';
import { anActor, anOrganization, errorCodeOf, fixedNow, sequentialIds } from './fixtures.ts';
import {
  addMember,
  canReadOrganization,
  registerOrganization,
  revokeMember,
  rotateKey,
} from './organization.ts';

const provided = () => ({ now: fixedNow, newId: sequentialIds('id'), apiKeyHash: 'b'.repeat(64) });

describe('registering an organization', () => {
  it('when no admin is named, then the first member is an admin called Administrator without an email', () => {
    const organization = registerOrganization(
      { name: 'Haiti Solidarity', country: 'US', kind: 'ngo' },
      provided(),
    );
    expect(organization.members).toEqual([
      {
        id: 'id-1',
        name: 'Administrator',
        email: null,
        role: 'admin',
        apiKeyHash: 'b'.repeat(64),
        keyRevision: 1,
        createdAt: fixedNow.toISOString(),
        revokedAt: null,
        sessionsEndedAt: null,
      },
    ]);
    expect(organization.id).toBe('id-2');
  });

  it('when the admin is named, then the email is kept in lower case', () => {
    const organization = registerOrganization(
      { name: 'X', country: 'US', kind: 'ngo', admin: { name: 'Marie', email: ' Marie@Example.ORG ' } },
      provided(),
    );
    expect(organization.members[0]).toMatchObject({
      name: 'Marie',
      email: 'marie@example.org',
      role: 'admin',
    });
  });
});

describe('adding a member', () => {
  it.each([
    { name: 'an admin of the organization', actor: anActor(), email: 'new@example.org', outcome: 'none' },
    {
      name: 'an approver',
      actor: anActor({ role: 'approver' }),
      email: 'new@example.org',
      outcome: 'role-required',
    },
    {
      name: 'a field officer',
      actor: anActor({ role: 'field-officer' }),
      email: 'new@example.org',
      outcome: 'role-required',
    },
    {
      name: 'an admin of another organization',
      actor: anActor({ organizationId: 'org-2' }),
      email: 'new@example.org',
      outcome: 'other-organization',
    },
    {
      name: 'an admin, for an email already there in other case',
      actor: anActor(),
      email: 'AMINA@example.org',
      outcome: 'email-taken',
    },
  ])('when $name adds a member, then the outcome is $outcome', ({ actor, email, outcome }) => {
    expect(
      errorCodeOf(() =>
        addMember(anOrganization(), actor, { name: 'New', email, role: 'approver' }, provided()),
      ),
    ).toBe(outcome);
  });

  it('when an admin adds a member, then the member gets the role, the key hash and a lower-case email', () => {
    const member = addMember(
      anOrganization(),
      anActor(),
      { name: 'Jean', email: 'Jean@Example.org', role: 'field-officer' },
      provided(),
    );
    expect(member).toEqual({
      id: 'id-1',
      name: 'Jean',
      email: 'jean@example.org',
      role: 'field-officer',
      apiKeyHash: 'b'.repeat(64),
      keyRevision: 1,
      createdAt: fixedNow.toISOString(),
      revokedAt: null,
      sessionsEndedAt: null,
    });
  });
});

describe('reading an organization', () => {
  it('when a member of another organization reads it, then it is hidden; its own members see it', () => {
    expect(canReadOrganization(anOrganization(), anActor({ role: 'field-officer' }))).toBe(true);
    expect(canReadOrganization(anOrganization(), anActor({ organizationId: 'org-2' }))).toBe(false);
  });
});

describe('rotating keys and removing members', () => {
  const officer = {
    id: 'member-2',
    name: 'Omar',
    email: 'omar@example.org',
    role: 'field-officer' as const,
    apiKeyHash: 'c'.repeat(64),
    keyRevision: 1,
    createdAt: fixedNow.toISOString(),
    revokedAt: null,
    sessionsEndedAt: null,
  };
  const organization = anOrganization({ members: [...anOrganization().members, officer] });

  it.each([
    { name: 'an admin, for another member', actor: anActor(), outcome: 'none' },
    {
      name: 'the member themself',
      actor: anActor({ memberId: 'member-2', role: 'field-officer' }),
      outcome: 'none',
    },
    {
      name: 'a field officer, for someone else',
      actor: anActor({ memberId: 'member-3', role: 'field-officer' }),
      outcome: 'role-required',
    },
    {
      name: 'an admin of another organization',
      actor: anActor({ organizationId: 'org-2' }),
      outcome: 'other-organization',
    },
  ])('when $name rotates the key, then the outcome is $outcome', ({ actor, outcome }) => {
    expect(errorCodeOf(() => rotateKey(organization, actor, 'member-2', 'd'.repeat(64)))).toBe(outcome);
  });

  it('when a key is rotated, then the hash is replaced and the revision grows', () => {
    expect(rotateKey(organization, anActor(), 'member-2', 'd'.repeat(64))).toMatchObject({
      apiKeyHash: 'd'.repeat(64),
      keyRevision: 2,
    });
  });

  it('when a member is removed, then the key hash is one no key produces and the removal is dated', () => {
    const revoked = revokeMember(organization, anActor(), 'member-2', fixedNow);
    expect(revoked).toMatchObject({ apiKeyHash: 'revoked:member-2', revokedAt: fixedNow.toISOString() });
    expect(revoked.apiKeyHash).not.toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    {
      name: 'the last admin is removed',
      organization,
      actor: anActor(),
      memberId: 'member-1',
      outcome: 'last-admin',
    },
    {
      name: 'an approver removes someone',
      organization,
      actor: anActor({ role: 'approver' }),
      memberId: 'member-2',
      outcome: 'role-required',
    },
    {
      name: 'an unknown member is removed',
      organization,
      actor: anActor(),
      memberId: 'member-9',
      outcome: 'member-not-found',
    },
    {
      name: 'a removed member is removed again',
      organization: anOrganization({
        members: [...anOrganization().members, { ...officer, revokedAt: fixedNow.toISOString() }],
      }),
      actor: anActor(),
      memberId: 'member-2',
      outcome: 'member-not-found',
    },
  ])('when $name, then the outcome is $outcome', ({ organization: subject, actor, memberId, outcome }) => {
    expect(errorCodeOf(() => revokeMember(subject, actor, memberId, fixedNow))).toBe(outcome);
  });
});
