import type { z } from 'zod';
import type { FundsAccount } from '../store/funds-accounts.store.ts';
import type { Delivery, Disbursement } from '../store/disbursements.store.ts';
import type { deliveryResponse, disbursementResponse, fundsResponse } from './schemas.ts';

function presentDeliveryFields(delivery: Delivery) {
  return {
    id: delivery.id,
    deliveredAt: delivery.deliveredAt.toISOString(),
    beneficiaries: delivery.beneficiaries,
    description: delivery.description,
    location: { country: delivery.location.country, area: delivery.location.area },
    evidence: delivery.evidence.map(({ name, sha256 }) => ({ name, sha256 })),
    reportedBy: delivery.reportedBy,
    reportedAt: delivery.reportedAt.toISOString(),
  };
}

export function presentDelivery(delivery: Delivery, disbursementId: string, campaignId: string): z.infer<typeof deliveryResponse> {
  return { ...presentDeliveryFields(delivery), disbursementId, campaignId };
}

export function presentDisbursement(disbursement: Disbursement): z.infer<typeof disbursementResponse> {
  return {
    id: disbursement.id,
    campaignId: disbursement.campaignId,
    organizationId: disbursement.organizationId,
    amount: disbursement.amount,
    currency: disbursement.currency,
    recipient: { name: disbursement.recipient.name, country: disbursement.recipient.country, local: disbursement.recipient.local },
    purpose: disbursement.purpose,
    sector: disbursement.sector,
    status: disbursement.status,
    requestedBy: disbursement.requestedBy,
    requestedAt: disbursement.requestedAt.toISOString(),
    approvals: disbursement.approvals.map(({ memberId, comment, at }) => ({ memberId, comment, at: at.toISOString() })),
    rejection: disbursement.rejection
      ? { memberId: disbursement.rejection.memberId, comment: disbursement.rejection.comment, at: disbursement.rejection.at.toISOString() }
      : null,
    payout: disbursement.payout
      ? { reference: disbursement.payout.reference, paidAt: disbursement.payout.paidAt.toISOString(), paidBy: disbursement.payout.paidBy }
      : null,
    deliveries: disbursement.deliveries.map(presentDeliveryFields),
    allocations: disbursement.allocations.map(({ donationId, amount }) => ({ donationId, amount })),
  };
}

export function presentFunds(account: FundsAccount): z.infer<typeof fundsResponse> {
  const { campaignId, currency, raised, fees, refunded, net, allocated, paidOut, available, refundShortfall } = account;
  return { campaignId, currency, raised, fees, refunded, net, allocated, paidOut, available, refundShortfall };
}
