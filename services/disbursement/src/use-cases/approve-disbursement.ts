import { fifoOrder, planAllocation } from '../domain/allocation.ts';
import { auditEntry } from '../domain/audit.ts';
import { decideApproval, type Member } from '../domain/disbursement.ts';
import { allocationIncomplete, insufficientFunds } from '../domain/errors.ts';
import { allocatedMessages, approvedMessage } from '../events/disbursement-messages.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import type { TakenSlice } from '../store/gifts.store.ts';
import type { UseCaseContext } from './context.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

// A round reads the campaign's queue oldest first and takes what it plans, batch by batch. A slice is only refused
// when another approval or a refund took from that gift at the same instant (the campaign's lock makes that rare),
// so every refusal means progress elsewhere; rounds go on while they make progress.
const stalledRoundsAllowed = 50;

// The approval's own document carries the approved event and this many allocated events, in that order; slices
// beyond go out in batch documents of this size (see allocation-batch.model.ts).
const eventsPerDocument = 1_000;

const sum = (slices: readonly { amount: number }[]) =>
  slices.reduce((total, slice) => total + slice.amount, 0);

/**
 * Spends the reserved amount on gifts, oldest first. Every slice is a guarded, exactly-once write on its gift,
 * so a crash leaves slices that the resumed approval finds on the gifts and completes, never doubles. Only a
 * resumed approval looks them up, with a query on the gifts: it is rare, and a fresh one has taken nothing yet.
 */
async function allocateFifo(
  context: UseCaseContext,
  disbursement: Disbursement,
  resuming: boolean,
): Promise<TakenSlice[]> {
  const taken: TakenSlice[] = resuming ? await context.gifts.allocationsFor(disbursement.id) : [];
  let total = sum(taken);
  for (let stalled = 0; stalled < stalledRoundsAllowed && total < disbursement.amount;) {
    const before = total;
    const scan = context.gifts.allocatable(disbursement.campaignId, disbursement.currency, disbursement.id);
    for await (const batch of scan.batches()) {
      const queued = new Map(batch.map((gift) => [gift.donationId, gift.succeededAt]));
      const won = await context.gifts.allocateSlices(
        disbursement.id,
        planAllocation(batch, disbursement.amount - total).slices,
      );
      scan.spent(won);
      taken.push(...won.map((slice) => ({ ...slice, succeededAt: queued.get(slice.donationId)! })));
      total += sum(won);
      if (total >= disbursement.amount) break;
    }
    await scan.settle();
    stalled = total > before ? 0 : stalled + 1;
  }
  const missing = disbursement.amount - total;
  if (missing > 0) throw allocationIncomplete(missing);
  return taken.sort(fifoOrder);
}

/**
 * Maker-checker approval. Below the campaign's threshold one approver completes it; at or above, the first
 * approval is only recorded and a second, different approver completes it. Completing takes four idempotent
 * steps: mark approving, reserve on the funds account (the guard that stops two approvals spending the same
 * money), allocate to gifts FIFO, then one write that approves and queues the events. An approval interrupted
 * anywhere is completed by asking again.
 */
export async function approveDisbursement(
  context: UseCaseContext,
  member: Member,
  id: string,
  comment: string,
): Promise<Disbursement> {
  const found = await loadVisibleDisbursement(context, member, id);
  return context.locks.run(found.campaignId, async () => {
    // Decided under the lock, on fresh state: two first approvals at once must not both count as the first.
    const disbursement = await loadVisibleDisbursement(context, member, id);
    const campaign = await context.campaigns.find(disbursement.campaignId);
    const decide = (fresh: Disbursement) => decideApproval(member, fresh, campaign);
    if (decide(disbursement) === 'record')
      return recordApproval(context, member, disbursement, comment, decide);
    return approveUnderLock(context, member, id, comment, decide, disbursement.status === 'approving');
  });
}

async function recordApproval(
  context: UseCaseContext,
  member: Member,
  disbursement: Disbursement,
  comment: string,
  decide: (fresh: Disbursement) => unknown,
): Promise<Disbursement> {
  const approval = { memberId: member.memberId, comment, at: context.now() };
  const audit = auditEntry(
    'disbursement.approval-recorded',
    member.memberId,
    disbursement.id,
    approval.at,
    { comment, amount: disbursement.amount },
    member.memberId,
  );
  const recorded = await context.disbursements.recordApproval(disbursement.id, approval, audit);
  return recorded ?? explainLostRace(context, member, disbursement.id, decide);
}

async function approveUnderLock(
  context: UseCaseContext,
  member: Member,
  id: string,
  comment: string,
  decide: (fresh: Disbursement) => unknown,
  resuming: boolean,
): Promise<Disbursement> {
  const disbursement =
    (await context.disbursements.markApproving(id, member.memberId)) ??
    (await explainLostRace(context, member, id, decide));

  const reserved = await context.funds.reserve(disbursement.campaignId, id, disbursement.amount, {
    resuming,
    finished: async (ids) =>
      (await context.disbursements.findMany(ids))
        .filter((other) => other.status !== 'approving')
        .map((other) => other.id),
  });
  if (reserved === 'refused') {
    await context.disbursements.revertToRequested(id);
    const account = await context.funds.find(disbursement.campaignId);
    throw insufficientFunds(disbursement.amount, account?.available ?? 0, disbursement.currency);
  }

  const slices = (await allocateFifo(context, disbursement, resuming)).map(({ donationId, amount }) => ({
    donationId,
    amount,
  }));
  const approval = { memberId: member.memberId, comment, at: context.now() };
  const audit = auditEntry('disbursement.approved', member.memberId, id, approval.at, {
    comment,
    amount: disbursement.amount,
    slices: slices.length,
  });
  const allocated = allocatedMessages(disbursement, approval.at, slices);
  for (let start = eventsPerDocument; start < allocated.length; start += eventsPerDocument) {
    await context.disbursements.insertAllocationBatch(
      `${id}:${start / eventsPerDocument}`,
      disbursement,
      allocated.slice(start, start + eventsPerDocument),
    );
  }
  const messages = [approvedMessage(disbursement, approval), ...allocated.slice(0, eventsPerDocument)];
  const approved = await context.disbursements.completeApproval(id, approval, slices, messages, audit);
  context.outboxQueued();
  return approved ?? explainLostRace(context, member, id, decide);
}
