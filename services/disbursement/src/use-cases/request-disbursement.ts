import { auditEntry } from '../domain/audit.ts';
import { decideRequest, type Member } from '../domain/disbursement.ts';
import { requestedMessage } from '../events/disbursement-messages.ts';
import type { Disbursement, Recipient } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';

export interface RequestCommand {
  campaignId: string;
  amount: number;
  currency: string;
  recipient: Recipient;
  purpose: string;
  sector: string;
}

export async function requestDisbursement(context: UseCaseContext, member: Member, command: RequestCommand): Promise<Disbursement> {
  const [campaign, account] = await Promise.all([context.campaigns.find(command.campaignId), context.funds.find(command.campaignId)]);
  decideRequest({ member, campaign, command, available: account?.available ?? 0 });
  const id = context.newId();
  const requestedAt = context.now();
  const disbursement: Disbursement = {
    id,
    ...command,
    organizationId: member.organizationId,
    status: 'requested',
    requestedBy: member.memberId,
    requestedAt,
    approvals: [],
    deliveries: [],
    allocations: [],
    audit: [
      auditEntry('disbursement.requested', member.memberId, id, requestedAt, {
        amount: command.amount,
        currency: command.currency,
        recipient: command.recipient.name,
        purpose: command.purpose,
      }),
    ],
  };
  await context.disbursements.insert(disbursement, [requestedMessage(disbursement)]);
  context.outboxQueued();
  return disbursement;
}
