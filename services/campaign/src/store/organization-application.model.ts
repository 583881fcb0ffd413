import { auditTrailField, type StoredAuditEntry } from '@aid/store';
import mongoose, { type Connection, type Model } from 'mongoose';
import type { AuditAction } from '../domain/audit.ts';
import type { ApplicationDocumentType } from '../domain/organization-application.ts';

/** An application with its documents' descriptions and its own audit trail (submission, documents, decision). */
export interface OrganizationApplicationDocument {
  _id: string;
  name: string;
  country: string;
  kind: string;
  registrationNumber: string;
  website: string | null;
  about: string;
  contact: { name: string; email: string };
  applicantTokenHash: string;
  submittedAt: Date;
  documents: {
    id: string;
    name: string;
    contentType: ApplicationDocumentType;
    size: number;
    sha256: string;
    uploadedAt: Date;
  }[];
  status: string;
  decision: {
    decision: 'approve' | 'reject';
    reason: string;
    decidedAt: Date;
    organizationId: string | null;
  } | null;
  audit: StoredAuditEntry<AuditAction>[];
}

const applicationSchema = new mongoose.Schema<OrganizationApplicationDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    country: { type: String, required: true },
    kind: { type: String, required: true },
    registrationNumber: { type: String, required: true },
    website: { type: String, default: null },
    about: { type: String, required: true },
    contact: { name: { type: String, required: true }, email: { type: String, required: true } },
    applicantTokenHash: { type: String, required: true },
    submittedAt: { type: Date, required: true },
    documents: {
      type: [
        {
          _id: false,
          id: String,
          name: String,
          contentType: String,
          size: Number,
          sha256: String,
          uploadedAt: Date,
        },
      ],
      default: [],
    },
    status: { type: String, required: true },
    decision: { type: mongoose.Schema.Types.Mixed, default: null },
    audit: auditTrailField,
  },
  { versionKey: false },
);

/** A document's bytes, keyed by the document's id: the review list never carries megabytes along. */
export interface ApplicationFileDocument {
  _id: string;
  applicationId: string;
  contentType: ApplicationDocumentType;
  sha256: string;
  bytes: Buffer;
}

const applicationFileSchema = new mongoose.Schema<ApplicationFileDocument>(
  {
    _id: { type: String, required: true },
    applicationId: { type: String, required: true },
    contentType: { type: String, required: true },
    sha256: { type: String, required: true },
    bytes: { type: Buffer, required: true },
  },
  { versionKey: false },
);

export function organizationApplicationModel(connection: Connection): Model<OrganizationApplicationDocument> {
  return connection.model<OrganizationApplicationDocument>(
    'OrganizationApplication',
    applicationSchema,
    'organization_applications',
  );
}

export function applicationFileModel(connection: Connection): Model<ApplicationFileDocument> {
  return connection.model<ApplicationFileDocument>(
    'OrganizationApplicationFile',
    applicationFileSchema,
    'organization_application_documents',
  );
}
