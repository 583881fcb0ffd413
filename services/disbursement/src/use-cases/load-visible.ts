import { visibleDisbursement, type Member } from '../domain/disbursement.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';

/** The disbursement as the member may see it: another organization's is "not found". */
export async function loadVisibleDisbursement(
  context: UseCaseContext,
  member: Member,
  id: string,
): Promise<Disbursement> {
  return visibleDisbursement(member, await context.disbursements.find(id), id);
}

/**
 * A guarded write found the disbursement no longer in a status it could start from: someone else changed it
 * meanwhile. Deciding again on the fresh state yields the error that explains it.
 */
export async function explainLostRace(
  context: UseCaseContext,
  member: Member,
  id: string,
  decide: (fresh: Disbursement) => void,
): Promise<never> {
  decide(await loadVisibleDisbursement(context, member, id));
  throw new Error(`disbursement ${id} changed concurrently but its current state allows the action; retry`);
}
