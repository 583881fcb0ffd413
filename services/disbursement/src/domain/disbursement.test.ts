import type { MemberRole } from '@aid/contracts';
import { DomainError } from '@aid/contracts';
import { describe, expect, it } from 'vitest';
import {
  approvalsNeeded,
  decideApproval,
  decideCancellation,
  decideDeliveryReport,
  disbursementStatuses,
  decidePayout,
  decideRejection,
  decideRequest,
  visibleDisbursement,
  type CampaignView,
  type DisbursementFacts,
  type DisbursementStatus,
  type Member,
} from './disbursement.ts';

const aMember = (overrides: Partial<Member> = {}): Member => ({
  memberId: 'm-officer',
  organizationId: 'org-1',
  role: 'field-officer',
  ...overrides,
});
const aCampaign = (overrides: Partial<CampaignView> = {}): CampaignView => ({
  campaignId: 'c-1',
  organizationId: 'org-1',
  currency: 'USD',
  status: 'active',
  approvalThreshold: null,
  approvalsAboveThreshold: 2,
  ...overrides,
});
const aDisbursement = (overrides: Partial<DisbursementFacts> = {}): DisbursementFacts => ({
  id: 'd-1',
  organizationId: 'org-1',
  status: 'requested',
  requestedBy: 'm-officer',
  amount: 500,
  approvals: [],
  ...overrides,
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return (error as DomainError).code;
    throw error;
  }
}

describe('requesting a disbursement', () => {
  const command = { campaignId: 'c-1', amount: 500, currency: 'USD' };

  it.each<
    [string, Partial<Member>, CampaignView | null, Partial<typeof command>, number, string | undefined]
  >([
    ['a field officer asks within the funds', {}, aCampaign(), {}, 500, undefined],
    ['an admin asks within the funds', { role: 'admin' }, aCampaign(), {}, 500, undefined],
    ['an approver asks', { role: 'approver' }, aCampaign(), {}, 500, 'role-not-allowed'],
    ['the campaign is unknown', {}, null, {}, 500, 'campaign-not-found'],
    [
      "the campaign is another organization's",
      {},
      aCampaign({ organizationId: 'org-2' }),
      {},
      500,
      'campaign-not-found',
    ],
    ['the campaign is a draft', {}, aCampaign({ status: 'draft' }), {}, 500, 'campaign-not-active'],
    ['the campaign is closed', {}, aCampaign({ status: 'closed' }), {}, 500, 'campaign-not-active'],
    [
      "the currency differs from the campaign's",
      {},
      aCampaign(),
      { currency: 'EUR' },
      500,
      'currency-mismatch',
    ],
    ['the amount exceeds what is available', {}, aCampaign(), { amount: 501 }, 500, 'insufficient-funds'],
  ])('when %s, then the outcome is %#', (_name, member, campaign, commandOverrides, available, expected) => {
    expect(
      codeOf(() =>
        decideRequest({
          member: aMember(member),
          campaign,
          command: { ...command, ...commandOverrides },
          available,
        }),
      ),
    ).toBe(expected);
  });

  it('when the funds are short, then the error names amount and says how much is available', () => {
    try {
      decideRequest({
        member: aMember(),
        campaign: aCampaign(),
        command: { ...command, amount: 900 },
        available: 300,
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'insufficient-funds', field: 'amount' });
      expect((error as Error).message).toContain('300');
    }
  });
});

describe('maker-checker decisions', () => {
  const roles: MemberRole[] = ['admin', 'approver', 'field-officer'];
  const statuses: DisbursementStatus[] = [...disbursementStatuses];

  it.each(roles)('when the requester (a %s) approves their own request, then it is refused', (role) => {
    const member = aMember({ memberId: 'm-self', role });
    const expected = role === 'field-officer' ? 'role-not-allowed' : 'requester-cannot-approve';
    expect(codeOf(() => decideApproval(member, aDisbursement({ requestedBy: 'm-self' })))).toBe(expected);
    expect(codeOf(() => decideRejection(member, aDisbursement({ requestedBy: 'm-self' })))).toBe(expected);
  });

  it.each<[MemberRole, string | undefined]>([
    ['admin', undefined],
    ['approver', undefined],
    ['field-officer', 'role-not-allowed'],
  ])('when a %s who did not request it approves, then the outcome is %s', (role, expected) => {
    expect(codeOf(() => decideApproval(aMember({ memberId: 'm-checker', role }), aDisbursement()))).toBe(
      expected,
    );
  });

  it.each(statuses)(
    'when the disbursement is %s, then approval is allowed only from requested or approving',
    (status) => {
      const outcome = codeOf(() =>
        decideApproval(aMember({ memberId: 'm-checker', role: 'approver' }), aDisbursement({ status })),
      );
      expect(outcome).toBe(status === 'requested' || status === 'approving' ? undefined : 'invalid-status');
    },
  );

  it.each(statuses)(
    'when the disbursement is %s, then rejection is allowed only from requested',
    (status) => {
      const outcome = codeOf(() =>
        decideRejection(aMember({ memberId: 'm-checker', role: 'approver' }), aDisbursement({ status })),
      );
      expect(outcome).toBe(status === 'requested' ? undefined : 'invalid-status');
    },
  );

  it.each(statuses)(
    'when the disbursement is %s, then an admin may record a payout only if approved (or resume one paying)',
    (status) => {
      const outcome = codeOf(() => decidePayout(aMember({ role: 'admin' }), aDisbursement({ status })));
      expect(outcome).toBe(status === 'approved' || status === 'paying' ? undefined : 'invalid-status');
    },
  );

  it.each<[MemberRole, string | undefined]>([
    ['admin', undefined],
    ['approver', 'role-not-allowed'],
    ['field-officer', 'role-not-allowed'],
  ])('when a %s records a payout, then the outcome is %s', (role, expected) => {
    expect(codeOf(() => decidePayout(aMember({ role }), aDisbursement({ status: 'approved' })))).toBe(
      expected,
    );
  });
});

describe('two approvers above the campaign threshold', () => {
  const approver = aMember({ memberId: 'm-first', role: 'approver' });
  const second = aMember({ memberId: 'm-second', role: 'admin' });

  it.each<[string, number, number | null, string[], 'record' | 'complete']>([
    ['no threshold is set', 1_000_000, null, [], 'complete'],
    ['the amount is below the threshold', 999, 1_000, [], 'complete'],
    ['the amount is at the threshold, first approval', 1_000, 1_000, [], 'record'],
    ['the amount is above the threshold, first approval', 5_000, 1_000, [], 'record'],
    ['the amount is above the threshold, second approval', 5_000, 1_000, ['m-first'], 'complete'],
  ])('when %s, then the approval is to %s', (_name, amount, threshold, approvedBy, expected) => {
    const approvals = approvedBy.map((memberId) => ({ memberId }));
    expect(
      decideApproval(approvedBy.length ? second : approver, aDisbursement({ amount, approvals }), {
        approvalThreshold: threshold,
        approvalsAboveThreshold: 2,
      }),
    ).toBe(expected);
  });

  it.each<[string, number, string[], 'record' | 'complete']>([
    ['below the threshold, whatever the organization asks above it', 999, [], 'complete'],
    ['above it, the first of three', 5_000, [], 'record'],
    ['above it, the second of three', 5_000, ['m-a'], 'record'],
    ['above it, the third of three', 5_000, ['m-a', 'm-b'], 'complete'],
  ])(
    'when an organization asks for 3 approvers and the approval is %s, then it is to %s',
    (_name, amount, approvedBy, expected) => {
      const approvals = approvedBy.map((memberId) => ({ memberId }));
      expect(
        decideApproval(approver, aDisbursement({ amount, approvals }), {
          approvalThreshold: 1_000,
          approvalsAboveThreshold: 3,
        }),
      ).toBe(expected);
      expect(approvalsNeeded(amount, { approvalThreshold: 1_000, approvalsAboveThreshold: 3 })).toBe(
        amount >= 1_000 ? 3 : 1,
      );
    },
  );

  it('when the same approver approves twice, then the second is refused', () => {
    const disbursement = aDisbursement({ amount: 5_000, approvals: [{ memberId: 'm-first' }] });
    expect(
      codeOf(() =>
        decideApproval(approver, disbursement, { approvalThreshold: 1_000, approvalsAboveThreshold: 2 }),
      ),
    ).toBe('already-approved-by-member');
  });

  it('when the requester would be the second approver, then maker-checker still refuses', () => {
    const disbursement = aDisbursement({
      amount: 5_000,
      requestedBy: 'm-second',
      approvals: [{ memberId: 'm-first' }],
    });
    expect(
      codeOf(() =>
        decideApproval(second, disbursement, { approvalThreshold: 1_000, approvalsAboveThreshold: 2 }),
      ),
    ).toBe('requester-cannot-approve');
  });
});

describe('cancellation before payout', () => {
  it.each([...disbursementStatuses])(
    'when the disbursement is %s, then an admin may cancel only before payout',
    (status) => {
      const outcome = (() => {
        try {
          return decideCancellation(
            aMember({ memberId: 'm-admin', role: 'admin' }),
            aDisbursement({ status }),
          );
        } catch (error) {
          return (error as DomainError).code;
        }
      })();
      const expected =
        { requested: 'without-money', approved: 'release', cancelling: 'release' }[status as string] ??
        'invalid-status';
      expect(outcome).toBe(expected);
    },
  );

  it.each<[string, Partial<Member>, string | undefined]>([
    ['the requester (a field officer)', { memberId: 'm-officer' }, undefined],
    ['another field officer', { memberId: 'm-other' }, 'role-not-allowed'],
    ['an approver who did not request it', { memberId: 'm-other', role: 'approver' }, 'role-not-allowed'],
    ['an admin', { memberId: 'm-other', role: 'admin' }, undefined],
  ])('when %s cancels, then the outcome is %s', (_name, member, expected) => {
    expect(codeOf(() => decideCancellation(aMember(member), aDisbursement()))).toBe(expected);
  });
});

describe('delivery reports', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it.each<[DisbursementStatus, string | undefined]>([
    ['requested', 'invalid-status'],
    ['approved', 'invalid-status'],
    ['rejected', 'invalid-status'],
    ['paid', undefined],
    ['delivered', undefined],
  ])('when the disbursement is %s, then reporting a delivery gives %s', (status, expected) => {
    expect(codeOf(() => decideDeliveryReport(aMember(), aDisbursement({ status }), now, now))).toBe(expected);
  });

  it('when an approver reports a delivery, then it is refused', () => {
    expect(
      codeOf(() =>
        decideDeliveryReport(aMember({ role: 'approver' }), aDisbursement({ status: 'paid' }), now, now),
      ),
    ).toBe('role-not-allowed');
  });

  it('when the delivery date is well in the future, then it is refused naming deliveredAt', () => {
    const tomorrow = new Date(now.getTime() + 86_400_000);
    expect(
      codeOf(() => decideDeliveryReport(aMember(), aDisbursement({ status: 'paid' }), tomorrow, now)),
    ).toBe('delivery-in-future');
  });
});

describe('visibility', () => {
  it('when a member of another organization looks up a disbursement, then it is not found', () => {
    expect(
      codeOf(() => visibleDisbursement(aMember({ organizationId: 'org-2' }), aDisbursement(), 'd-1')),
    ).toBe('disbursement-not-found');
    expect(visibleDisbursement(aMember(), aDisbursement(), 'd-1').id).toBe('d-1');
  });
});
