import { auditEntry } from '../domain/audit.ts';
import { decideDeliveryReport, type Member } from '../domain/disbursement.ts';
import { deliveredMessage } from '../events/disbursement-messages.ts';
import type { Delivery } from '../store/disbursements.store.ts';
import type { UseCaseContext } from './context.ts';
import { findEvidence } from './evidence.ts';
import { explainLostRace, loadVisibleDisbursement } from './load-visible.ts';

/** Evidence is either named with a hash computed elsewhere, or an uploaded file whose name and hash we fill in. */
export type EvidenceReference = { name: string; sha256: string } | { evidenceId: string };

export interface DeliveryReport {
  deliveredAt: Date;
  beneficiaries: number;
  description: string;
  location: { country: string; area: string };
  evidence: EvidenceReference[];
}

export interface ReportedDelivery {
  delivery: Delivery;
  disbursementId: string;
  campaignId: string;
}

/**
 * `deliveryId` is given for a report under an `Idempotency-Key` (fixed when the key was claimed): the write is
 * guarded by it, so a re-run after a lost answer finds its delivery instead of counting the beneficiaries twice.
 */
export async function reportDelivery(
  context: UseCaseContext,
  member: Member,
  id: string,
  report: DeliveryReport,
  deliveryId = context.newId(),
): Promise<ReportedDelivery> {
  const disbursement = await loadVisibleDisbursement(context, member, id);
  const reported = (fresh: { deliveries: Delivery[] }) =>
    fresh.deliveries.find((delivery) => delivery.id === deliveryId);
  const earlier = reported(disbursement);
  if (earlier) return { delivery: earlier, disbursementId: id, campaignId: disbursement.campaignId };
  const now = context.now();
  decideDeliveryReport(member, disbursement, report.deliveredAt, now);
  const evidence: Delivery['evidence'] = [];
  for (const reference of report.evidence) {
    if (!('evidenceId' in reference)) evidence.push(reference);
    else {
      const file = await findEvidence(context, member, id, reference.evidenceId);
      evidence.push({ name: file.name, sha256: file.sha256, evidenceId: file.id });
    }
  }
  const delivery: Delivery = {
    id: deliveryId,
    ...report,
    evidence,
    reportedBy: member.memberId,
    reportedAt: now,
  };
  const audit = auditEntry(
    'disbursement.delivery-reported',
    member.memberId,
    id,
    now,
    { deliveryId: delivery.id, beneficiaries: delivery.beneficiaries, evidence: evidence.length },
    delivery.id,
  );
  const saved = await context.locks.run(disbursement.campaignId, () =>
    context.disbursements.addDelivery(id, delivery, [deliveredMessage(disbursement, delivery)], audit),
  );
  context.outboxQueued();
  if (!saved) {
    const fresh = await loadVisibleDisbursement(context, member, id);
    const raced = reported(fresh);
    if (raced) return { delivery: raced, disbursementId: id, campaignId: disbursement.campaignId };
    await explainLostRace(context, member, id, (current) =>
      decideDeliveryReport(member, current, report.deliveredAt, now),
    );
  }
  return { delivery, disbursementId: id, campaignId: disbursement.campaignId };
}
