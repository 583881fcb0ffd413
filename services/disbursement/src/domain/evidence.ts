import { createHash } from 'node:crypto';
import type { DisbursementFacts, Member } from './disbursement.ts';
import { evidenceTooLarge, evidenceTypeMismatch, invalidStatus, roleNotAllowed } from './errors.ts';

export const evidenceTypes = ['application/pdf', 'image/jpeg', 'image/png', 'text/csv'] as const;
export type EvidenceType = (typeof evidenceTypes)[number];

const extensions: Record<EvidenceType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'text/csv': 'csv',
};

const signatures: Record<Exclude<EvidenceType, 'text/csv'>, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/**
 * The declared type must match the bytes, so a renamed executable cannot pass as a photo. CSV has no magic
 * number: it must be UTF-8 text without NUL bytes.
 */
export function contentMatchesType(bytes: Buffer, type: EvidenceType): boolean {
  if (type === 'text/csv') {
    if (bytes.includes(0)) return false;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return true;
    } catch {
      return false;
    }
  }
  const signature = signatures[type];
  return bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}

export function isEvidenceType(value: string): value is EvidenceType {
  return (evidenceTypes as readonly string[]).includes(value);
}

export interface EvidenceFile {
  id: string;
  disbursementId: string;
  campaignId: string;
  organizationId: string;
  name: string;
  contentType: EvidenceType;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
}

const mayUpload = ['admin', 'field-officer'];
const closedStatuses = ['rejected', 'cancelled'];

/** Checks an upload and describes the file; the SHA-256 is ours, computed over the exact bytes received. */
export function decideEvidenceUpload(args: {
  member: Member;
  disbursement: DisbursementFacts & { campaignId: string };
  bytes: Buffer;
  contentType: EvidenceType;
  name: string | undefined;
  limit: number;
  id: string;
  now: Date;
}): EvidenceFile {
  const { member, disbursement, bytes, contentType } = args;
  if (!mayUpload.includes(member.role)) throw roleNotAllowed(member.role, 'upload delivery evidence');
  if (closedStatuses.includes(disbursement.status))
    throw invalidStatus(disbursement.status, 'given evidence');
  if (bytes.length > args.limit) throw evidenceTooLarge(args.limit);
  if (bytes.length === 0 || !contentMatchesType(bytes, contentType)) throw evidenceTypeMismatch(contentType);
  return {
    id: args.id,
    disbursementId: disbursement.id,
    campaignId: disbursement.campaignId,
    organizationId: disbursement.organizationId,
    name: args.name ?? `evidence-${args.id}.${extensions[contentType]}`,
    contentType,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    uploadedBy: member.memberId,
    uploadedAt: args.now,
  };
}
