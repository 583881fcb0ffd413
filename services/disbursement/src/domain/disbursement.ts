import type { MemberRole } from '@aid/contracts';
import {
  alreadyApprovedByMember,
  campaignNotActive,
  campaignNotFound,
  currencyMismatch,
  deliveryInFuture,
  disbursementNotFound,
  insufficientFunds,
  invalidStatus,
  requesterCannotApprove,
  roleNotAllowed,
} from './errors.ts';

/**
 * `approving`, `paying` and `cancelling` mark a multi-step change in progress (each step idempotent): asking
 * again resumes it, and nothing else may start meanwhile, so a payout and a cancellation can never overlap.
 */
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

export interface Member {
  memberId: string;
  organizationId: string;
  role: MemberRole;
}

export interface CampaignView {
  campaignId: string;
  organizationId: string;
  currency: string;
  status: 'draft' | 'active' | 'closed';
  /** At or above this amount (minor units) more than one approver is needed; null means one. */
  approvalThreshold: number | null;
  /** How many different approvers at or above the threshold: the organization's setting (N of its M approvers). */
  approvalsAboveThreshold: number;
}

/** Two approvers above the threshold, for organizations that set nothing else (and copies from before the setting). */
export const defaultApprovalsAboveThreshold = 2;

/** When a disbursement needs more than one approver, and how many: the campaign's threshold, the organization's N. */
export type ApprovalRule = Pick<CampaignView, 'approvalThreshold' | 'approvalsAboveThreshold'>;

/** What the rules need to know of a disbursement. */
export interface DisbursementFacts {
  id: string;
  organizationId: string;
  status: DisbursementStatus;
  requestedBy: string;
  amount: number;
  approvals: readonly { memberId: string }[];
}

const mayRequest: readonly MemberRole[] = ['admin', 'field-officer'];
const mayDecide: readonly MemberRole[] = ['admin', 'approver'];
const mayPayOut: readonly MemberRole[] = ['admin'];
const mayReportDelivery: readonly MemberRole[] = ['admin', 'field-officer'];

function requireRole(member: Member, allowed: readonly MemberRole[], action: string): void {
  if (!allowed.includes(member.role)) throw roleNotAllowed(member.role, action);
}

/** A campaign is visible to its own organization only; anything else is "not found". */
export function visibleCampaign(
  member: Member,
  campaign: CampaignView | null,
  campaignId: string,
): CampaignView {
  if (!campaign || campaign.organizationId !== member.organizationId) throw campaignNotFound(campaignId);
  return campaign;
}

export function visibleDisbursement<T extends DisbursementFacts>(
  member: Member,
  disbursement: T | null,
  id: string,
): T {
  if (!disbursement || disbursement.organizationId !== member.organizationId) throw disbursementNotFound(id);
  return disbursement;
}

/**
 * A request is checked against the funds available now, so people learn early that it cannot be approved;
 * the money is only reserved at approval, where a guarded update decides for good.
 */
export function decideRequest(args: {
  member: Member;
  campaign: CampaignView | null;
  command: { campaignId: string; amount: number; currency: string };
  available: number;
}): CampaignView {
  const campaign = visibleCampaign(args.member, args.campaign, args.command.campaignId);
  requireRole(args.member, mayRequest, 'request disbursements');
  if (campaign.status !== 'active') throw campaignNotActive(campaign.status);
  if (args.command.currency !== campaign.currency)
    throw currencyMismatch(args.command.currency, campaign.currency);
  if (args.command.amount > args.available)
    throw insufficientFunds(args.command.amount, args.available, campaign.currency);
  return campaign;
}

function requireChecker(member: Member, disbursement: DisbursementFacts, action: string): void {
  requireRole(member, mayDecide, action);
  if (disbursement.requestedBy === member.memberId) throw requesterCannotApprove();
}

export function approvalsNeeded(amount: number, rule: ApprovalRule | null): number {
  return rule && rule.approvalThreshold !== null && amount >= rule.approvalThreshold
    ? rule.approvalsAboveThreshold
    : 1;
}

/**
 * Maker-checker, with as many more checkers above the campaign's threshold as the organization asks for: `record`
 * keeps this approval and waits for the next approver; `complete` (the last approval needed) reserves and
 * allocates. `approving` is accepted too, so an approval interrupted half-way is resumed by asking again.
 */
export function decideApproval(
  member: Member,
  disbursement: DisbursementFacts,
  rule: ApprovalRule | null = null,
): 'record' | 'complete' {
  requireChecker(member, disbursement, 'approve disbursements');
  if (disbursement.status !== 'requested' && disbursement.status !== 'approving')
    throw invalidStatus(disbursement.status, 'approved');
  if (disbursement.approvals.some((approval) => approval.memberId === member.memberId))
    throw alreadyApprovedByMember();
  return disbursement.approvals.length + 1 >= approvalsNeeded(disbursement.amount, rule)
    ? 'complete'
    : 'record';
}

export function decideRejection(member: Member, disbursement: DisbursementFacts): void {
  requireChecker(member, disbursement, 'reject disbursements');
  if (disbursement.status !== 'requested') throw invalidStatus(disbursement.status, 'rejected');
}

/** `paying` is accepted too: a payout interrupted after it started (a transfer may exist) is resumed, never doubled. */
export function decidePayout(member: Member, disbursement: DisbursementFacts): void {
  requireRole(member, mayPayOut, 'record payouts');
  if (disbursement.status !== 'approved' && disbursement.status !== 'paying')
    throw invalidStatus(disbursement.status, 'paid out');
}

/**
 * Before payout, an admin or the requester may withdraw a disbursement. A requested one holds no money; an
 * approved one releases its reservation (`release`), and `cancelling` resumes an interrupted release.
 */
export function decideCancellation(
  member: Member,
  disbursement: DisbursementFacts,
): 'without-money' | 'release' {
  if (member.role !== 'admin' && member.memberId !== disbursement.requestedBy)
    throw roleNotAllowed(member.role, 'cancel disbursements they did not request');
  if (disbursement.status === 'requested') return 'without-money';
  if (disbursement.status === 'approved' || disbursement.status === 'cancelling') return 'release';
  throw invalidStatus(disbursement.status, 'cancelled');
}

/** Aid is often delivered in rounds, so a delivered disbursement takes further delivery reports. */
export function decideDeliveryReport(
  member: Member,
  disbursement: DisbursementFacts,
  deliveredAt: Date,
  now: Date,
): void {
  requireRole(member, mayReportDelivery, 'report deliveries');
  if (disbursement.status !== 'paid' && disbursement.status !== 'delivered')
    throw invalidStatus(disbursement.status, 'reported as delivered');
  // A few minutes of grace for clocks that run ahead on field devices.
  if (deliveredAt.getTime() > now.getTime() + 5 * 60_000) throw deliveryInFuture();
}
