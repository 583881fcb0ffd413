import { auditEntry } from '../domain/audit.ts';
import { decideRequest, visibleDisbursement, type Member } from '../domain/disbursement.ts';
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

/**
 * `id` is given for a request under an `Idempotency-Key` (fixed when the key was claimed): a re-run after a lost
 * answer then finds the disbursement it created instead of requesting a second one.
 */
export async function requestDisbursement(
  context: UseCaseContext,
  member: Member,
  command: RequestCommand,
  id = context.newId(),
): Promise<Disbursement> {
  const earlier = await context.disbursements.find(id);
  if (earlier) return visibleDisbursement(member, earlier, id);
  const [campaign, account] = await Promise.all([
    context.campaigns.find(command.campaignId),
    context.funds.find(command.campaignId),
  ]);
  decideRequest({ member, campaign, command, available: account?.available ?? 0 });
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
  // Listed first, so a disbursement is never missing from its campaign's list; an entry whose insert never
  // happened (a crash in between, not retried) names nothing and is skipped when the list is read.
  await context.locks.run(command.campaignId, () =>
    context.disbursements.listInCampaign(command.campaignId, id),
  );
  const inserted = await context.disbursements.insert(disbursement, [requestedMessage(disbursement)]);
  if (!inserted) return visibleDisbursement(member, await context.disbursements.find(id), id);
  context.outboxQueued();
  return disbursement;
}
