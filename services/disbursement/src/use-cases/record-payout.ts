import { DomainError } from '@aid/contracts';
import { auditEntry } from '../domain/audit.ts';
import { decidePayout, type Member } from '../domain/disbursement.ts';
import { payoutExceedsAllocation, payoutMethodUnavailable } from '../domain/errors.ts';
import { paidMessage } from '../events/disbursement-messages.ts';
import type { ConnectPayouts } from '../payouts/stripe-connect.ts';
import type { Disbursement, Payout } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

export type PayoutCommand =
  { method: 'manual'; reference: string } | { method: 'stripe-connect'; destination: string };

/**
 * Marks the disbursement paying (so it can no longer be cancelled), moves the money when Stripe Connect does it
 * (idempotency key per disbursement), counts the payout on the account (exactly once), then marks it paid. A
 * retry after a crash anywhere resumes without paying twice.
 */
export async function recordPayout(
  context: UseCaseContext,
  member: Member,
  id: string,
  command: PayoutCommand,
): Promise<Disbursement> {
  const disbursement = await loadVisibleDisbursement(context, member, id);
  decidePayout(member, disbursement);
  const connect = context.connectPayouts;
  if (command.method === 'stripe-connect' && !connect) throw payoutMethodUnavailable(command.method);
  return context.locks.run(disbursement.campaignId, async () => {
    const decide = (fresh: Disbursement) => decidePayout(member, fresh);
    const paying =
      (await context.disbursements.markPaying(id)) ?? (await explainLostRace(context, member, id, decide));
    const reference =
      command.method === 'manual'
        ? command.reference
        : await transferOrRevert(context, connect!, paying, command.destination);
    const counted = await context.funds.payOut(paying.campaignId, id, paying.amount);
    if (counted === 'refused') {
      await context.disbursements.revertToApproved(id);
      throw payoutExceedsAllocation();
    }
    const payout: Payout = {
      method: command.method,
      reference,
      ...(command.method === 'stripe-connect' ? { destination: command.destination } : {}),
      paidAt: context.now(),
      paidBy: member.memberId,
    };
    const audit = auditEntry('disbursement.paid', member.memberId, id, payout.paidAt, {
      method: command.method,
      reference,
      amount: paying.amount,
    });
    const paid = await context.disbursements.markPaid(id, payout, [paidMessage(paying, payout)], audit);
    context.outboxQueued();
    return paid ?? explainLostRace(context, member, id, decide);
  });
}

/**
 * A transfer Stripe refused never executed, so the disbursement goes back to approved (it may be cancelled, or
 * paid to a corrected account). When Stripe could not be reached the transfer may exist: it stays paying, and
 * only a retry (same idempotency key) settles it.
 */
function transferOrRevert(
  context: UseCaseContext,
  connect: ConnectPayouts,
  paying: Disbursement,
  destination: string,
): Promise<string> {
  return connect
    .transfer({ disbursementId: paying.id, amount: paying.amount, currency: paying.currency, destination })
    .catch(async (error: unknown) => {
      if (error instanceof DomainError && error.code === 'payout-rejected')
        await context.disbursements.revertToApproved(paying.id);
      throw error;
    });
}
