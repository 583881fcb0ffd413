import { decideDeliveryReport, type Member } from '../domain/disbursement.ts';
import { deliveredMessage } from '../events/disbursement-messages.ts';
import type { Delivery } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

export interface DeliveryReport {
  deliveredAt: Date;
  beneficiaries: number;
  description: string;
  location: { country: string; area: string };
  evidence: { name: string; sha256: string }[];
}

export async function reportDelivery(
  context: UseCaseContext,
  member: Member,
  id: string,
  report: DeliveryReport,
): Promise<{ delivery: Delivery; disbursementId: string; campaignId: string }> {
  const disbursement = await loadVisibleDisbursement(context, member, id);
  const now = context.now();
  decideDeliveryReport(member, disbursement, report.deliveredAt, now);
  const delivery: Delivery = { id: context.newId(), ...report, reportedBy: member.memberId, reportedAt: now };
  const saved = await context.locks.run(disbursement.campaignId, () => context.disbursements.addDelivery(id, delivery, [deliveredMessage(disbursement, delivery)]));
  context.outboxQueued();
  if (!saved) await explainLostRace(context, member, id, (fresh) => decideDeliveryReport(member, fresh, report.deliveredAt, now));
  return { delivery, disbursementId: id, campaignId: disbursement.campaignId };
}
