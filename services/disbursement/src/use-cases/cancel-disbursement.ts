import { auditEntry } from '../domain/audit.ts';
import { decideCancellation, type Member } from '../domain/disbursement.ts';
import { cancelledMessage } from '../events/disbursement-messages.ts';
import type { Cancellation, Disbursement } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

/**
 * Withdraws a disbursement before payout. A requested one is closed in one write. An approved one gives its
 * money back in idempotent steps, like approval: mark cancelling (no payout can start any more), give every gift
 * its slice back (once per gift; a slice first covers its gift's refund shortfall), release the reservation on
 * the account (allocated -amount, available +amount less what the slices covered, once), then one write that
 * cancels and queues the event. Asking again resumes an interrupted one. Gifts come before the account so that,
 * between the two writes, the gifts hold at least what the account calls available.
 */
export async function cancelDisbursement(
  context: UseCaseContext,
  member: Member,
  id: string,
  comment: string,
): Promise<Disbursement> {
  const found = await loadVisibleDisbursement(context, member, id);
  decideCancellation(member, found);
  return context.locks.run(found.campaignId, async () => {
    const disbursement = await loadVisibleDisbursement(context, member, id);
    const decide = (fresh: Disbursement) => decideCancellation(member, fresh);
    const at = context.now();
    if (decide(disbursement) === 'without-money') {
      return complete(
        context,
        member,
        disbursement,
        ['requested'],
        { memberId: member.memberId, comment, at, from: 'requested' },
        decide,
      );
    }
    const cancelling =
      (await context.disbursements.markCancelling(id)) ??
      (await explainLostRace(context, member, id, decide));
    let covered = 0;
    for (const slice of cancelling.allocations) covered += await context.gifts.releaseSlice(id, slice);
    const released = await context.funds.release(cancelling.campaignId, id, cancelling.amount, covered);
    if (released === 'refused')
      throw new Error(
        `releasing disbursement ${id} would take allocated below paid out on campaign ${cancelling.campaignId}`,
      );
    if (covered > 0)
      context.logger.info(
        { campaignId: cancelling.campaignId, disbursementId: id, covered },
        'released slices paid back refund shortfalls',
      );
    return complete(
      context,
      member,
      cancelling,
      ['cancelling'],
      { memberId: member.memberId, comment, at, from: 'approved' },
      decide,
    );
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
  const cancelled = await context.disbursements.completeCancellation(
    disbursement.id,
    from,
    cancellation,
    [cancelledMessage(disbursement, cancellation, released)],
    audit,
  );
  context.outboxQueued();
  return cancelled ?? explainLostRace(context, member, disbursement.id, decide);
}
