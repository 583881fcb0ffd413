import { decidePayout, type Member } from '../domain/disbursement.ts';
import { payoutExceedsAllocation } from '../domain/errors.ts';
import { paidMessage } from '../events/disbursement-messages.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

/** Counts the payout on the account first (exactly once), then marks the disbursement paid; a retry resumes. */
export async function recordPayout(context: UseCaseContext, member: Member, id: string, reference: string): Promise<Disbursement> {
  const disbursement = await loadVisibleDisbursement(context, member, id);
  decidePayout(member, disbursement);
  return context.locks.run(disbursement.campaignId, async () => {
    const counted = await context.funds.payOut(disbursement.campaignId, id, disbursement.amount);
    if (counted === 'refused') throw payoutExceedsAllocation();
    const payout = { reference, paidAt: context.now(), paidBy: member.memberId };
    const paid = await context.disbursements.markPaid(id, payout, [paidMessage(disbursement, payout)]);
    context.outboxQueued();
    return paid ?? explainLostRace(context, member, id, (fresh) => decidePayout(member, fresh));
  });
}
