import { createHash } from 'node:crypto';
import type { OrganizationKind } from '@aid/contracts';
import { errors } from './errors.ts';

/**
 * An organization asking to join: what it says of itself, who to contact, and the documents that back it. A
 * platform administrator reads it and decides once; approval registers the organization, verified.
 */
export interface OrganizationApplication {
  id: string;
  name: string;
  country: string;
  kind: OrganizationKind;
  registrationNumber: string;
  website: string | null;
  about: string;
  contact: { name: string; email: string };
  /** SHA-256 of the applicant token, the applicant's only credential (shown to them once). */
  applicantTokenHash: string;
  submittedAt: string;
  documents: ApplicationDocument[];
  status: ApplicationStatus;
  decision: ApplicationDecision | null;
}

export const applicationStatuses = ['pending', 'approved', 'rejected'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

export interface ApplicationDecision {
  decision: 'approve' | 'reject';
  reason: string;
  decidedAt: string;
  /** The organization an approval registered; null for a rejection. */
  organizationId: string | null;
}

export const applicationDocumentTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type ApplicationDocumentType = (typeof applicationDocumentTypes)[number];

/** Registration certificates and letters are scans or PDFs: 10 MiB holds a long one. */
export const applicationDocumentLimitBytes = 10 * 1024 * 1024;
export const applicationDocumentsMax = 5;

export interface ApplicationDocument {
  id: string;
  name: string;
  contentType: ApplicationDocumentType;
  size: number;
  sha256: string;
  uploadedAt: string;
}

export interface SubmitApplication {
  name: string;
  country: string;
  kind: OrganizationKind;
  registrationNumber: string;
  website?: string | undefined;
  about: string;
  contact: { name: string; email: string };
}

export function applicantTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function submitApplication(
  command: SubmitApplication,
  provided: { now: Date; newId: () => string; applicantTokenHash: string },
): OrganizationApplication {
  return {
    id: provided.newId(),
    name: command.name,
    country: command.country,
    kind: command.kind,
    registrationNumber: command.registrationNumber,
    website: command.website ?? null,
    about: command.about,
    contact: { name: command.contact.name, email: command.contact.email.trim().toLowerCase() },
    applicantTokenHash: provided.applicantTokenHash,
    submittedAt: provided.now.toISOString(),
    documents: [],
    status: 'pending',
    decision: null,
  };
}

/** The type a document really is, read from its first bytes; whatever the applicant declared is never trusted. */
export function documentTypeOf(bytes: Buffer): ApplicationDocumentType | null {
  const startsWith = (signature: number[]) =>
    bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
  if (startsWith([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (startsWith([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  return null;
}

/** Checks a document for a pending application and describes it; the SHA-256 is ours, over the exact bytes received. */
export function addDocument(
  application: OrganizationApplication,
  upload: { bytes: Buffer; name: string | undefined },
  provided: { now: Date; newId: () => string },
): ApplicationDocument {
  requirePending(application);
  if (application.documents.length >= applicationDocumentsMax)
    throw errors.tooManyDocuments(applicationDocumentsMax);
  if (upload.bytes.length > applicationDocumentLimitBytes)
    throw errors.documentTooLarge(applicationDocumentLimitBytes);
  const contentType = documentTypeOf(upload.bytes);
  if (!contentType) throw errors.documentUnsupported();
  const id = provided.newId();
  return {
    id,
    name: upload.name ?? `document-${application.documents.length + 1}`,
    contentType,
    size: upload.bytes.length,
    sha256: createHash('sha256').update(upload.bytes).digest('hex'),
    uploadedAt: provided.now.toISOString(),
  };
}

function requirePending(application: OrganizationApplication): void {
  if (application.status !== 'pending') throw errors.applicationDecided(application.status);
}

/** A decision is final: a rejected applicant applies again; an approved organization exists. */
export function decideApplication(
  application: OrganizationApplication,
  command: { decision: 'approve' | 'reject'; reason: string },
  provided: { now: Date; organizationId: string | null },
): OrganizationApplication {
  requirePending(application);
  return {
    ...application,
    status: command.decision === 'approve' ? 'approved' : 'rejected',
    decision: {
      decision: command.decision,
      reason: command.reason,
      decidedAt: provided.now.toISOString(),
      organizationId: command.decision === 'approve' ? provided.organizationId : null,
    },
  };
}
