import { auditEntry } from '../domain/audit.ts';
import { decideRejection, type Member } from '../domain/disbursement.ts';
import { rejectedMessage } from '../events/disbursement-messages.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

export async function rejectDisbursement(
  context: UseCaseContext,
  member: Member,
  id: string,
  comment: string,
): Promise<Disbursement> {
  const disbursement = await loadVisibleDisbursement(context, member, id);
  decideRejection(member, disbursement);
  return context.locks.run(disbursement.campaignId, async () => {
    const rejection = { memberId: member.memberId, comment, at: context.now() };
    const audit = auditEntry('disbursement.rejected', member.memberId, id, rejection.at, { comment });
    const rejected = await context.disbursements.reject(
      id,
      rejection,
      [rejectedMessage(disbursement, rejection)],
      audit,
    );
    context.outboxQueued();
    return rejected ?? explainLostRace(context, member, id, (fresh) => decideRejection(member, fresh));
  });
}
