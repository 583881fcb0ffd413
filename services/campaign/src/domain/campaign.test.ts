import { campaignSnapshotSchema } from '@aid/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../events/campaign-events.ts';
import type { Actor } from './actor.ts';
import {
  canReadCampaign,
  closeCampaign,
  createCampaign,
  patchCampaign,
  postUpdate,
  publishCampaign,
  type Campaign,
} from './campaign.ts';
import { aCampaign, anActor, anOrganization, errorCodeOf, fixedNow, sequentialIds } from './fixtures.ts';

const admin = anActor();
const later = new Date('2026-03-02T00:00:00.000Z');

describe('creating a campaign', () => {
  it("when an admin creates one, then it is a revision-1 draft of the admin's organization", () => {
    const campaign = createCampaign(
      admin,
      {
        title: 'T',
        summary: 'S',
        goal: { amount: 100, currency: 'EUR' },
        crisis: { kind: 'drought', countries: ['SO', 'ET'] },
      },
      { now: fixedNow, newId: sequentialIds('c') },
    );
    expect(campaign).toMatchObject({
      id: 'c-1',
      organizationId: 'org-1',
      organizationName: 'Sindh Relief',
      status: 'draft',
      revision: 1,
      createdAt: fixedNow.toISOString(),
      publishedAt: null,
      closedAt: null,
    });
  });

  it('when an approver creates one, then it is refused: approvers check money, they do not raise it', () => {
    const decide = () =>
      createCampaign(anActor({ role: 'approver' }), aCampaign(), { now: fixedNow, newId: sequentialIds() });
    expect(errorCodeOf(decide)).toBe('role-required');
    expect(decide).toThrow(/admin or field-officer role/);
  });

  it('when a field officer creates one, then it is a draft that only an admin can publish', () => {
    const draft = createCampaign(anActor({ role: 'field-officer' }), aCampaign(), {
      now: fixedNow,
      newId: sequentialIds(),
    });
    expect(draft.status).toBe('draft');
    expect(
      errorCodeOf(() =>
        publishCampaign(draft, anActor({ role: 'field-officer' }), fixedNow, anOrganization()),
      ),
    ).toBe('role-required');
  });
});

describe('status transitions', () => {
  // Every command against every status, with the outcome the rules promise.
  it.each([
    { command: 'publish', from: 'draft', outcome: 'active' },
    { command: 'publish', from: 'active', outcome: 'wrong-status' },
    { command: 'publish', from: 'closed', outcome: 'wrong-status' },
    { command: 'close', from: 'draft', outcome: 'wrong-status' },
    { command: 'close', from: 'active', outcome: 'closed' },
    { command: 'close', from: 'closed', outcome: 'wrong-status' },
  ] as const)(
    'when $command meets a $from campaign, then the outcome is $outcome',
    ({ command, from, outcome }) => {
      const campaign = aCampaign({ status: from, revision: 4 });
      const decide =
        command === 'publish'
          ? () => publishCampaign(campaign, admin, later, anOrganization())
          : () => closeCampaign(campaign, admin, later);
      if (outcome === 'wrong-status') {
        expect(errorCodeOf(decide)).toBe('wrong-status');
        expect(decide).toThrow(new RegExp(`is ${from}`));
        return;
      }
      const next = decide();
      expect(next.status).toBe(outcome);
      expect(next.revision).toBe(5);
      expect(command === 'publish' ? next.publishedAt : next.closedAt).toBe(later.toISOString());
    },
  );

  it.each([
    {
      name: 'an approver of the same organization',
      actor: anActor({ role: 'approver' }),
      code: 'role-required',
    },
    {
      name: 'an admin of another organization',
      actor: anActor({ organizationId: 'org-2' }),
      code: 'other-organization',
    },
  ])('when $name publishes, then it is refused with $code', ({ actor, code }) => {
    expect(errorCodeOf(() => publishCampaign(aCampaign(), actor, later, anOrganization()))).toBe(code);
    expect(errorCodeOf(() => closeCampaign(aCampaign({ status: 'active' }), actor, later))).toBe(code);
  });
});

describe('publishing needs a verified organization', () => {
  it('when the organization is not verified, then publishing is refused and the campaign stays a draft', () => {
    const campaign = aCampaign();
    expect(
      errorCodeOf(() => publishCampaign(campaign, anActor(), later, anOrganization({ verification: null }))),
    ).toBe('organization-not-verified');
    expect(campaign.status).toBe('draft');
  });

  it('when the organization is verified, then the published campaign carries the verification date for the public record', () => {
    const verifiedAt = '2026-02-10T09:00:00.000Z';
    const next = publishCampaign(
      aCampaign(),
      anActor(),
      later,
      anOrganization({ verification: { status: 'verified', verifiedAt, applicationId: 'application-1' } }),
    );
    expect(next.organizationVerifiedAt).toBe(verifiedAt);
    // The public record gets it through the snapshot, which older consumers still parse.
    expect(campaignSnapshotSchema.parse(snapshotOf(next)).organizationVerifiedAt).toBe(verifiedAt);
    expect(snapshotOf(aCampaign())).not.toHaveProperty('organizationVerifiedAt');
  });
});

describe('patching a campaign', () => {
  it('when a draft gets a new goal in another currency, then it takes it with the next revision', () => {
    const next = patchCampaign(aCampaign(), admin, { goal: { amount: 10, currency: 'EUR' } });
    expect(next).toMatchObject({
      goal: { amount: 10, currency: 'EUR' },
      revision: 2,
      title: 'Clean water for Sindh',
    });
  });

  it('when an active campaign changes goal currency, then it is refused naming goal.currency; the amount alone may change', () => {
    const active = aCampaign({ status: 'active' });
    expect(() => patchCampaign(active, admin, { goal: { amount: 10, currency: 'EUR' } })).toThrow(
      expect.objectContaining({ code: 'currency-locked', field: 'goal.currency' }),
    );
    expect(patchCampaign(active, admin, { goal: { amount: 10, currency: 'USD' } })?.goal).toEqual({
      amount: 10,
      currency: 'USD',
    });
  });

  it('when the approval threshold is set and then cleared, then each is a new revision, and repeating it changes nothing', () => {
    const set = patchCampaign(aCampaign({ status: 'active' }), admin, { approvalThreshold: 500_000 });
    expect(set).toMatchObject({ approvalThreshold: 500_000, revision: 2 });
    expect(patchCampaign(set!, admin, { approvalThreshold: 500_000 })).toBeNull();
    expect(patchCampaign(set!, admin, { approvalThreshold: null })).toMatchObject({
      approvalThreshold: null,
      revision: 3,
    });
    expect(
      errorCodeOf(() => patchCampaign(aCampaign(), anActor({ role: 'approver' }), { approvalThreshold: 1 })),
    ).toBe('role-required');
  });

  it('when a closed campaign is patched, then it is refused', () => {
    expect(errorCodeOf(() => patchCampaign(aCampaign({ status: 'closed' }), admin, { title: 'New' }))).toBe(
      'campaign-closed',
    );
  });

  it('when a patch repeats the current values, then nothing changes and no revision is spent', () => {
    const campaign = aCampaign();
    expect(
      patchCampaign(campaign, admin, {
        title: campaign.title,
        crisis: { ...campaign.crisis, countries: ['PK'] },
      }),
    ).toBeNull();
  });

  it('when a patch drops the glide number, then the crisis no longer has one', () => {
    const next = patchCampaign(aCampaign(), admin, { crisis: { kind: 'flood', countries: ['PK'] } });
    expect(next?.crisis).toEqual({ kind: 'flood', countries: ['PK'] });
  });
});

describe('posting updates', () => {
  it.each([
    { role: 'admin', status: 'active', outcome: 'none' },
    { role: 'field-officer', status: 'closed', outcome: 'none' },
    { role: 'approver', status: 'active', outcome: 'role-required' },
    { role: 'admin', status: 'draft', outcome: 'wrong-status' },
  ] as const)(
    'when a $role posts on a $status campaign, then the outcome is $outcome',
    ({ role, status, outcome }) => {
      const decide = () =>
        postUpdate(
          aCampaign({ status }),
          anActor({ role }),
          { title: 't', body: 'b' },
          { now: fixedNow, newId: sequentialIds('u') },
        );
      expect(errorCodeOf(decide)).toBe(outcome);
    },
  );
});

describe('who reads a campaign', () => {
  it.each([
    { status: 'draft', viewer: undefined, visible: false },
    { status: 'draft', viewer: anActor({ organizationId: 'org-2' }), visible: false },
    { status: 'draft', viewer: anActor({ role: 'field-officer' }), visible: true },
    { status: 'active', viewer: undefined, visible: true },
    { status: 'closed', viewer: anActor({ organizationId: 'org-2' }), visible: true },
  ] as const)(
    'when a $status campaign is read by $viewer.organizationId, then visible is $visible',
    ({ status, viewer, visible }) => {
      expect(canReadCampaign(aCampaign({ status }), viewer)).toBe(visible);
    },
  );
});

describe('any sequence of commands', () => {
  type Command =
    { kind: 'publish' } | { kind: 'close' } | { kind: 'patch'; title: string; currency: 'USD' | 'EUR' };
  const command = fc.oneof(
    fc.constant<Command>({ kind: 'publish' }),
    fc.constant<Command>({ kind: 'close' }),
    fc.record({
      kind: fc.constant('patch' as const),
      title: fc.constantFrom('A', 'B'),
      currency: fc.constantFrom('USD' as const, 'EUR' as const),
    }),
  );
  const order = { draft: 0, active: 1, closed: 2 } as const;

  function apply(campaign: Campaign, next: Command, actor: Actor): Campaign | null {
    if (next.kind === 'publish') return publishCampaign(campaign, actor, later, anOrganization());
    if (next.kind === 'close') return closeCampaign(campaign, actor, later);
    return patchCampaign(campaign, actor, {
      title: next.title,
      goal: { amount: 100, currency: next.currency },
    });
  }

  it('when commands are applied in any order, then the revision counts accepted changes, status only moves forward and the currency never changes after publishing', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), (commands) => {
        let campaign = aCampaign();
        let accepted = 0;
        for (const next of commands) {
          let result: Campaign | null;
          try {
            result = apply(campaign, next, admin);
          } catch {
            continue;
          }
          if (result === null) continue;
          expect(order[result.status]).toBeGreaterThanOrEqual(order[campaign.status]);
          if (campaign.status !== 'draft') expect(result.goal.currency).toBe(campaign.goal.currency);
          accepted += 1;
          campaign = result;
          expect(campaign.revision).toBe(1 + accepted);
        }
      }),
    );
  });
});
