import { envelope, topics, type DisbursementEvent } from '@aid/contracts';
import { outboxMessage, type OutboxMessage } from '@aid/store';
import type { AllocationSlice } from '../domain/allocation.ts';
import type { Approval, Cancellation, Delivery, Disbursement } from '../store/disbursements.store.ts';

export const eventSource = '/services/disbursement';

type Data<Type extends DisbursementEvent['type']> = Extract<DisbursementEvent, { type: Type }>['data'];

/** Every message is keyed by the campaign id, so one campaign's events stay in order in the topic. */
function message<Type extends DisbursementEvent['type']>(
  type: Type,
  data: Data<Type>,
  time: Date,
): OutboxMessage {
  const event = envelope({
    type,
    source: eventSource,
    subject: data.campaignId,
    data,
    time,
  }) as DisbursementEvent;
  return outboxMessage(topics.disbursement, event);
}

const base = (disbursement: Disbursement) => ({
  disbursementId: disbursement.id,
  campaignId: disbursement.campaignId,
});

export function requestedMessage(disbursement: Disbursement): OutboxMessage {
  return message(
    'org.diaspora-aid.disbursement.requested',
    {
      ...base(disbursement),
      organizationId: disbursement.organizationId,
      amount: disbursement.amount,
      currency: disbursement.currency,
      recipient: disbursement.recipient,
      purpose: disbursement.purpose,
      sector: disbursement.sector,
      requestedBy: disbursement.requestedBy,
      requestedAt: disbursement.requestedAt.toISOString(),
    },
    disbursement.requestedAt,
  );
}

export function approvedMessage(disbursement: Disbursement, approval: Approval): OutboxMessage {
  return message(
    'org.diaspora-aid.disbursement.approved',
    {
      ...base(disbursement),
      amount: disbursement.amount,
      currency: disbursement.currency,
      recipient: disbursement.recipient,
      purpose: disbursement.purpose,
      sector: disbursement.sector,
      approvedBy: approval.memberId,
      approvedAt: approval.at.toISOString(),
    },
    approval.at,
  );
}

/** One allocation per gift slice: each is the link a receipt code follows to the aid it paid for. */
export function allocatedMessages(
  disbursement: Disbursement,
  at: Date,
  slices: AllocationSlice[],
): OutboxMessage[] {
  return slices.map((slice) =>
    message(
      'org.diaspora-aid.disbursement.allocated',
      {
        ...base(disbursement),
        donationId: slice.donationId,
        amount: slice.amount,
        currency: disbursement.currency,
        allocatedAt: at.toISOString(),
      },
      at,
    ),
  );
}

export function rejectedMessage(
  disbursement: Disbursement,
  rejection: NonNullable<Disbursement['rejection']>,
): OutboxMessage {
  return message(
    'org.diaspora-aid.disbursement.rejected',
    {
      ...base(disbursement),
      rejectedBy: rejection.memberId,
      comment: rejection.comment,
      rejectedAt: rejection.at.toISOString(),
    },
    rejection.at,
  );
}

export function paidMessage(
  disbursement: Disbursement,
  payout: NonNullable<Disbursement['payout']>,
): OutboxMessage {
  return message(
    'org.diaspora-aid.disbursement.paid',
    {
      ...base(disbursement),
      amount: disbursement.amount,
      currency: disbursement.currency,
      reference: payout.reference,
      method: payout.method,
      recipient: disbursement.recipient,
      paidAt: payout.paidAt.toISOString(),
    },
    payout.paidAt,
  );
}

export function deliveredMessage(disbursement: Disbursement, delivery: Delivery): OutboxMessage {
  return message(
    'org.diaspora-aid.disbursement.delivered',
    {
      ...base(disbursement),
      deliveryId: delivery.id,
      deliveredAt: delivery.deliveredAt.toISOString(),
      beneficiaries: delivery.beneficiaries,
      description: delivery.description,
      location: delivery.location,
      evidence: delivery.evidence.map(({ name, sha256 }) => ({ name, sha256 })),
      reportedAt: delivery.reportedAt.toISOString(),
    },
    delivery.reportedAt,
  );
}

export function cancelledMessage(
  disbursement: Disbursement,
  cancellation: Cancellation,
  released: AllocationSlice[],
): OutboxMessage {
  return message(
    'org.diaspora-aid.disbursement.cancelled',
    {
      ...base(disbursement),
      amount: disbursement.amount,
      currency: disbursement.currency,
      cancelledBy: cancellation.memberId,
      comment: cancellation.comment,
      from: cancellation.from,
      released: released.map(({ donationId, amount }) => ({ donationId, amount })),
      cancelledAt: cancellation.at.toISOString(),
    },
    cancellation.at,
  );
}
