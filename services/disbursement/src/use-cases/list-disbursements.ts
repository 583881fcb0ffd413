import { visibleCampaign, type Member } from '../domain/disbursement.ts';
import type { Disbursement } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';

export interface DisbursementPage {
  disbursements: Disbursement[];
  /** The id of the last disbursement returned when more remain. */
  last: string | null;
}

/**
 * A campaign's disbursements for any member of its organization, newest first, paged after the disbursement the
 * previous page ended with. The campaign's list holds their ids in pages, so every read is by `_id`.
 */
export async function listCampaignDisbursements(
  context: UseCaseContext,
  member: Member,
  campaignId: string,
  page: { limit: number; after?: string | undefined },
): Promise<DisbursementPage> {
  visibleCampaign(member, await context.campaigns.find(campaignId), campaignId);
  const listed = await context.disbursements.pageOfCampaign(campaignId, page);
  const disbursements = (await context.disbursements.findMany(listed.ids)).filter(
    (disbursement) => disbursement.organizationId === member.organizationId,
  );
  return { disbursements, last: listed.more ? (listed.ids.at(-1) ?? null) : null };
}
