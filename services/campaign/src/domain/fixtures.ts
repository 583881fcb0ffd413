import type { Actor } from './actor.ts';
import type { Campaign } from './campaign.ts';
import type { Organization } from './organization.ts';

export const fixedNow = new Date('2026-03-01T10:00:00.000Z');

export function sequentialIds(prefix = 'id'): () => string {
  let next = 0;
  return () => `${prefix}-${(next += 1)}`;
}

export function anActor(overrides: Partial<Actor> = {}): Actor {
  return {
    memberId: 'member-1',
    organizationId: 'org-1',
    organizationName: 'Sindh Relief',
    role: 'admin',
    ...overrides,
  };
}

export function aCampaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 'campaign-1',
    organizationId: 'org-1',
    organizationName: 'Sindh Relief',
    title: 'Clean water for Sindh',
    summary: 'Filters and hygiene kits.',
    goal: { amount: 5_000_000, currency: 'USD' },
    crisis: { kind: 'flood', countries: ['PK'], glide: 'FL-2022-000254-PAK' },
    status: 'draft',
    revision: 1,
    createdAt: '2026-02-01T00:00:00.000Z',
    publishedAt: null,
    closedAt: null,
    approvalThreshold: null,
    organizationVerifiedAt: null,
    ...overrides,
  };
}

export function anOrganization(overrides: Partial<Organization> = {}): Organization {
  return {
    id: 'org-1',
    name: 'Sindh Relief',
    country: 'GB',
    kind: 'diaspora-association',
    createdAt: '2026-01-01T00:00:00.000Z',
    members: [
      {
        id: 'member-1',
        name: 'Amina',
        email: 'amina@example.org',
        role: 'admin',
        apiKeyHash: 'a'.repeat(64),
        keyRevision: 1,
        createdAt: '2026-01-01T00:00:00.000Z',
        revokedAt: null,
        sessionsEndedAt: null,
      },
    ],
    verification: { status: 'verified', verifiedAt: '2026-01-02T00:00:00.000Z', applicationId: null },
    approvalsAboveThreshold: 2,
    registrationNumber: null,
    website: null,
    ...overrides,
  };
}

/** The code of the domain error a decision throws, or 'none'. */
export function errorCodeOf(decide: () => unknown): string {
  try {
    decide();
    return 'none';
  } catch (error) {
    return (error as { code?: string }).code ?? 'not a domain error';
  }
}
