import type { FundsAccount } from '@aid/contracts';
import type { ConsoleApis } from '../console-app.ts';
import type { ConsoleCampaign, ConsoleOrganization } from '../console-kit.ts';
import type { ConsoleSession } from '../console-session.ts';
import { ConsoleServiceProblem } from '../service-api.ts';

/** A campaign as the console's money pages need it: the campaign service also says how many approvals it takes. */
export type MoneyCampaign = ConsoleCampaign & { approvalThreshold: number | null };

// A campaign's funds account as the disbursement service keeps it, all in minor units of `currency`.
export type { FundsAccount };

export const disbursementStatuses = [
  'requested',
  'approving',
  'approved',
  'paying',
  'paid',
  'delivered',
  'rejected',
  'cancelling',
  'cancelled',
] as const;
export type DisbursementStatus = (typeof disbursementStatuses)[number];

export interface Decision {
  memberId: string;
  comment: string;
  at: string;
}

export interface Delivery {
  id: string;
  deliveredAt: string;
  beneficiaries: number;
  description: string;
  location: { country: string; area: string };
  evidence: { name: string; sha256: string; evidenceId: string | null }[];
  reportedBy: string;
  reportedAt: string;
}

export interface Disbursement {
  id: string;
  campaignId: string;
  organizationId: string;
  amount: number;
  currency: string;
  recipient: { name: string; country: string; local: boolean };
  purpose: string;
  sector: string;
  status: DisbursementStatus;
  requestedBy: string;
  requestedAt: string;
  /** How many different approvers it takes, as the disbursement service decides (its threshold rule). */
  approvalsNeeded: number;
  approvals: Decision[];
  rejection: Decision | null;
  payout: {
    method: 'manual' | 'stripe-connect';
    reference: string;
    destination: string | null;
    paidAt: string;
    paidBy: string;
  } | null;
  cancellation: (Decision & { from: 'requested' | 'approved' }) | null;
  deliveries: Delivery[];
  allocations: { donationId: string; amount: number }[];
}

export interface DisbursementPage {
  disbursements: Disbursement[];
  next: string | null;
}

export function moneyCalls(apis: ConsoleApis) {
  return {
    campaigns: async (session: ConsoleSession) =>
      (
        await apis.campaign<{ campaigns: MoneyCampaign[] }>(
          session,
          `/v1/organizations/${session.organizationId}/campaigns`,
        )
      ).campaigns,
    campaign: (session: ConsoleSession, id: string) =>
      apis.campaign<MoneyCampaign>(session, `/v1/campaigns/${encodeURIComponent(id)}`),
    organization: (session: ConsoleSession) =>
      apis.campaign<ConsoleOrganization>(session, `/v1/organizations/${session.organizationId}`),
    /** Null when the disbursement service has not heard of the campaign yet (its events are on their way). */
    async funds(session: ConsoleSession, campaignId: string): Promise<FundsAccount | null> {
      try {
        return await apis.disbursement<FundsAccount>(
          session,
          `/v1/campaigns/${encodeURIComponent(campaignId)}/funds`,
        );
      } catch (error) {
        if (error instanceof ConsoleServiceProblem && error.status === 404) return null;
        throw error;
      }
    },
    async disbursements(
      session: ConsoleSession,
      campaignId: string,
      page: { limit: number; after?: string | undefined },
    ): Promise<DisbursementPage> {
      const query = new URLSearchParams({
        limit: String(page.limit),
        ...(page.after ? { after: page.after } : {}),
      });
      try {
        return await apis.disbursement<DisbursementPage>(
          session,
          `/v1/campaigns/${encodeURIComponent(campaignId)}/disbursements?${query.toString()}`,
        );
      } catch (error) {
        if (error instanceof ConsoleServiceProblem && error.status === 404)
          return { disbursements: [], next: null };
        throw error;
      }
    },
    disbursement: (session: ConsoleSession, id: string) =>
      apis.disbursement<Disbursement>(session, `/v1/disbursements/${encodeURIComponent(id)}`),
  };
}
