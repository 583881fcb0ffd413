import { auditEntry } from '../domain/audit.ts';
import { type Member } from '../domain/disbursement.ts';
import { evidenceNotFound } from '../domain/errors.ts';
import { decideEvidenceUpload, type EvidenceFile, type EvidenceType } from '../domain/evidence.ts';
import type { UseCaseContext } from './context.ts';
import { loadVisibleDisbursement } from './load-visible.ts';

/**
 * Stores the file privately and returns its description; only its SHA-256 ever reaches the public record.
 * `evidenceId` is given for an upload under an `Idempotency-Key`: a re-run after a lost answer finds its file.
 */
export async function uploadEvidence(
  context: UseCaseContext,
  member: Member,
  disbursementId: string,
  upload: { bytes: Buffer; contentType: EvidenceType; name: string | undefined },
  evidenceId = context.newId(),
): Promise<EvidenceFile> {
  const disbursement = await loadVisibleDisbursement(context, member, disbursementId);
  const earlier = await context.evidence.find(evidenceId);
  if (
    earlier &&
    earlier.disbursementId === disbursementId &&
    earlier.organizationId === member.organizationId
  )
    return earlier;
  const file = decideEvidenceUpload({
    member,
    disbursement,
    ...upload,
    limit: context.evidenceLimitBytes,
    id: evidenceId,
    now: context.now(),
  });
  await context.evidence.save(file, upload.bytes);
  await context.disbursements.appendAudit(
    disbursementId,
    auditEntry(
      'disbursement.evidence-uploaded',
      member.memberId,
      disbursementId,
      file.uploadedAt,
      { evidenceId: file.id, name: file.name, sha256: file.sha256, size: file.size },
      file.id,
    ),
  );
  return file;
}

/** An evidence file of a disbursement of the member's own organization; anything else is "not found". */
export async function findEvidence(
  context: UseCaseContext,
  member: Member,
  disbursementId: string,
  evidenceId: string,
): Promise<EvidenceFile> {
  await loadVisibleDisbursement(context, member, disbursementId);
  const file = await context.evidence.find(evidenceId);
  if (!file || file.disbursementId !== disbursementId || file.organizationId !== member.organizationId)
    throw evidenceNotFound(evidenceId);
  return file;
}

export async function readEvidence(
  context: UseCaseContext,
  member: Member,
  disbursementId: string,
  evidenceId: string,
): Promise<{ file: EvidenceFile; bytes: Buffer }> {
  const file = await findEvidence(context, member, disbursementId, evidenceId);
  return { file, bytes: await context.evidence.content(file.id) };
}
