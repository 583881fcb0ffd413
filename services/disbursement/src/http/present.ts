import { presentAuditPage } from '@aid/contracts';
import type { z } from 'zod';
import type { FundsAccount } from '../store/funds-accounts.store.ts';
import type { AuditPage } from '../use-cases/read-audit.ts';
import type { DisbursementPage } from '../use-cases/list-disbursements.ts';
import type { CampaignPublicTotals } from '../use-cases/read-funds.ts';
import { approvalsNeeded, type ApprovalRule } from '../domain/disbursement.ts';
import type { EvidenceFile } from '../domain/evidence.ts';
import type { Delivery, Disbursement } from '../store/disbursements.store.ts';
import type {
  auditResponse,
  deliveryResponse,
  disbursementResponse,
  disbursementsResponse,
  evidenceResponse,
  fundsResponse,
  publicTotalsResponse,
} from './schemas.ts';

function presentDeliveryFields(delivery: Delivery) {
  return {
    id: delivery.id,
    deliveredAt: delivery.deliveredAt.toISOString(),
    beneficiaries: delivery.beneficiaries,
    description: delivery.description,
    location: { country: delivery.location.country, area: delivery.location.area },
    evidence: delivery.evidence.map(({ name, sha256, evidenceId }) => ({
      name,
      sha256,
      evidenceId: evidenceId ?? null,
    })),
    reportedBy: delivery.reportedBy,
    reportedAt: delivery.reportedAt.toISOString(),
  };
}

export function presentDelivery(
  delivery: Delivery,
  disbursementId: string,
  campaignId: string,
): z.infer<typeof deliveryResponse> {
  return { ...presentDeliveryFields(delivery), disbursementId, campaignId };
}

/** A disbursement, with how many approvals it needs under its campaign's rule as it stands now. */
export function presentDisbursement(
  disbursement: Disbursement,
  rule: ApprovalRule | null,
): z.infer<typeof disbursementResponse> {
  return {
    id: disbursement.id,
    campaignId: disbursement.campaignId,
    organizationId: disbursement.organizationId,
    amount: disbursement.amount,
    currency: disbursement.currency,
    recipient: {
      name: disbursement.recipient.name,
      country: disbursement.recipient.country,
      local: disbursement.recipient.local,
    },
    purpose: disbursement.purpose,
    sector: disbursement.sector,
    status: disbursement.status,
    requestedBy: disbursement.requestedBy,
    requestedAt: disbursement.requestedAt.toISOString(),
    approvals: disbursement.approvals.map(({ memberId, comment, at }) => ({
      memberId,
      comment,
      at: at.toISOString(),
    })),
    approvalsNeeded: approvalsNeeded(disbursement.amount, rule),
    rejection: disbursement.rejection
      ? {
          memberId: disbursement.rejection.memberId,
          comment: disbursement.rejection.comment,
          at: disbursement.rejection.at.toISOString(),
        }
      : null,
    payout: disbursement.payout
      ? {
          // Payouts recorded before Stripe Connect existed were all manual.
          method: disbursement.payout.method ?? 'manual',
          reference: disbursement.payout.reference,
          destination: disbursement.payout.destination ?? null,
          paidAt: disbursement.payout.paidAt.toISOString(),
          paidBy: disbursement.payout.paidBy,
        }
      : null,
    cancellation: disbursement.cancellation
      ? {
          memberId: disbursement.cancellation.memberId,
          comment: disbursement.cancellation.comment,
          at: disbursement.cancellation.at.toISOString(),
          from: disbursement.cancellation.from,
        }
      : null,
    deliveries: disbursement.deliveries.map(presentDeliveryFields),
    allocations: disbursement.allocations.map(({ donationId, amount }) => ({ donationId, amount })),
  };
}

export function presentDisbursements(
  page: DisbursementPage,
  rule: ApprovalRule | null,
): z.infer<typeof disbursementsResponse> {
  return {
    disbursements: page.disbursements.map((disbursement) => presentDisbursement(disbursement, rule)),
    next: page.last,
  };
}

export function presentFunds(account: FundsAccount): z.infer<typeof fundsResponse> {
  const {
    campaignId,
    currency,
    raised,
    fees,
    refunded,
    net,
    allocated,
    paidOut,
    available,
    overAllocated,
    refundShortfall,
  } = account;
  return {
    campaignId,
    currency,
    raised,
    fees,
    refunded,
    net,
    allocated,
    paidOut,
    available,
    overAllocated,
    refundShortfall,
  };
}

export function presentPublicTotals(totals: CampaignPublicTotals): z.infer<typeof publicTotalsResponse> {
  const { campaignId, currency, raised, fees, refunded, net, allocated, paidOut, refundShortfall } = totals;
  return { campaignId, currency, raised, fees, refunded, net, allocated, paidOut, refundShortfall };
}

export function presentEvidence(file: EvidenceFile): z.infer<typeof evidenceResponse> {
  return {
    id: file.id,
    name: file.name,
    sha256: file.sha256,
    size: file.size,
    contentType: file.contentType,
  };
}

export function presentAudit(page: AuditPage): z.infer<typeof auditResponse> {
  return presentAuditPage(page);
}
