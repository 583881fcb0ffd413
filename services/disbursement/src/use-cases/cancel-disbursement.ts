import { auditEntry } from '../domain/audit.ts';
import { decideCancellation, type Member } from '../domain/disbursement.ts';
import { cancelledMessage } from '../events/disbursement-messages.ts';
import type { Cancellation, Disbursement } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

/**
 * Withdraws a disbursement before payout. A requested one is closed in one write. An approved one gives its
 * money back in idempotent steps, like approval: mark cancelling (no payout can start any more), release the
 * reservation on the account (allocated -amount, available +amount, once), give every gift its slice back
 * (once per gift), then one write that cancels and queues the event. Asking again resumes an interrupted one.
 */
export async function cancelDisbursement(context: UseCaseContext, member: Member, id: string, comment: string): Promise<Disbursement> {
  const found = await loadVisibleDisbursement(context, member, id);
  decideCancellation(member, found);
  return context.locks.run(found.campaignId, async () => {
    const disbursement = await loadVisibleDisbursement(context, member, id);
    const decide = (fresh: Disbursement) => decideCancellation(member, fresh);
    const at = context.now();
    if (decide(disbursement) === 'without-money') {
      return complete(context, member, disbursement, ['requested'], { memberId: member.memberId, comment, at, from: 'requested' }, decide);
    }
    const cancelling = (await context.disbursements.markCancelling(id)) ?? (await explainLostRace(context, member, id, decide));
    const released = await context.funds.release(cancelling.campaignId, id, cancelling.amount);
    if (released === 'refused') throw new Error(`releasing disbursement ${id} would take allocated below paid out on campaign ${cancelling.campaignId}`);
    for (const slice of cancelling.allocations) await context.gifts.releaseSlice(id, slice);
    return complete(context, member, cancelling, ['cancelling'], { memberId: member.memberId, comment, at, from: 'approved' }, decide);
  });
}

async function complete(
  context: UseCaseContext,
  member: Member,
  disbursement: Disbursement,
  from: Disbursement['status'][],
  cancellation: Cancellation,
  decide: (fresh: Disbursement) => unknown,
): Promise<Disbursement> {
  const released = cancellation.from === 'approved' ? disbursement.allocations : [];
  const audit = auditEntry('disbursement.cancelled', member.memberId, disbursement.id, cancellation.at, {
    comment: cancellation.comment,
    from: cancellation.from,
    released: released.reduce((sum, slice) => sum + slice.amount, 0),
  });
  const cancelled = await context.disbursements.completeCancellation(disbursement.id, from, cancellation, [cancelledMessage(disbursement, cancellation, released)], audit);
  context.outboxQueued();
  return cancelled ?? explainLostRace(context, member, disbursement.id, decide);
}
