import type { OrganizationKind } from '@aid/contracts';
import { createIdLinks } from '@aid/store';
import type { Connection } from 'mongoose';
import type { AuditEntry } from '../domain/audit.ts';
import type {
  ApplicationDocument,
  ApplicationStatus,
  OrganizationApplication,
} from '../domain/organization-application.ts';
import {
  applicationFileModel,
  organizationApplicationModel,
  type OrganizationApplicationDocument,
} from './organization-application.model.ts';

export interface OrganizationApplicationStore {
  insert(application: OrganizationApplication, audit: AuditEntry): Promise<void>;
  find(id: string): Promise<OrganizationApplication | null>;
  /** Applications in one status, oldest first (the order they came in). */
  withStatus(status: ApplicationStatus): Promise<OrganizationApplication[]>;
  /** Keeps the bytes, then the description, if the application still has `documentCount` documents and is pending. */
  addDocument(
    applicationId: string,
    documentCount: number,
    document: ApplicationDocument,
    bytes: Buffer,
    audit: AuditEntry,
  ): Promise<boolean>;
  file(applicationId: string, documentId: string): Promise<Buffer | null>;
  /** Records the decision if the application is still pending; false when another decision came first. */
  decide(decided: OrganizationApplication, audit: AuditEntry): Promise<boolean>;
}

function toApplication(doc: OrganizationApplicationDocument): OrganizationApplication {
  return {
    id: doc._id,
    name: doc.name,
    country: doc.country,
    kind: doc.kind as OrganizationKind,
    registrationNumber: doc.registrationNumber,
    website: doc.website ?? null,
    about: doc.about,
    contact: { name: doc.contact.name, email: doc.contact.email },
    applicantTokenHash: doc.applicantTokenHash,
    submittedAt: doc.submittedAt.toISOString(),
    documents: doc.documents.map((document) => ({
      ...document,
      uploadedAt: new Date(document.uploadedAt).toISOString(),
    })),
    status: doc.status as ApplicationStatus,
    decision: doc.decision
      ? { ...doc.decision, decidedAt: new Date(doc.decision.decidedAt).toISOString() }
      : null,
  };
}

export function organizationApplicationStore(connection: Connection): OrganizationApplicationStore {
  const model = organizationApplicationModel(connection);
  const files = applicationFileModel(connection);
  // FerretDB uses no index outside `_id`: the ids in each status are kept in one `_id`-keyed document per status.
  const byStatus = createIdLinks(connection, 'organization_application_links');
  const statusKey = (status: ApplicationStatus) => `status:${status}`;
  return {
    async insert(application, audit) {
      await model.create({
        _id: application.id,
        name: application.name,
        country: application.country,
        kind: application.kind,
        registrationNumber: application.registrationNumber,
        website: application.website,
        about: application.about,
        contact: application.contact,
        applicantTokenHash: application.applicantTokenHash,
        submittedAt: new Date(application.submittedAt),
        documents: [],
        status: application.status,
        decision: null,
        audit: [audit],
      });
      // Listed after it exists: a listed id always reads.
      await byStatus.addTarget(statusKey(application.status), application.id);
    },
    async find(id) {
      const doc = await model.findById(id, { audit: 0 }).lean<OrganizationApplicationDocument>();
      return doc ? toApplication(doc) : null;
    },
    async withStatus(status) {
      const ids = await byStatus.targetsOf(statusKey(status));
      if (ids.length === 0) return [];
      const docs = await model
        .find({ _id: { $in: ids } }, { audit: 0 })
        .lean<OrganizationApplicationDocument[]>();
      // The application itself decides: an id still listed under its old status is skipped.
      return docs
        .map(toApplication)
        .filter((application) => application.status === status)
        .sort((left, right) =>
          left.submittedAt < right.submittedAt ? -1 : left.submittedAt > right.submittedAt ? 1 : 0,
        );
    },
    async addDocument(applicationId, documentCount, document, bytes, audit) {
      await files.create({
        _id: document.id,
        applicationId,
        contentType: document.contentType,
        sha256: document.sha256,
        bytes,
      });
      const result = await model
        .updateOne(
          { _id: applicationId, status: 'pending', documents: { $size: documentCount } },
          { $push: { documents: { ...document, uploadedAt: new Date(document.uploadedAt) }, audit } },
        )
        .exec();
      if (result.modifiedCount === 1) return true;
      // Nobody will ever read these bytes: no description points at them.
      await files.deleteOne({ _id: document.id });
      return false;
    },
    async file(applicationId, documentId) {
      const doc = await files.findById(documentId).lean<{ applicationId: string; bytes: unknown }>();
      if (!doc || doc.applicationId !== applicationId) return null;
      return asBuffer(doc.bytes);
    },
    async decide(decided, audit) {
      const decision = decided.decision;
      if (!decision) throw new Error('decide() needs a decided application');
      const result = await model
        .updateOne(
          { _id: decided.id, status: 'pending' },
          {
            $set: {
              status: decided.status,
              decision: { ...decision, decidedAt: new Date(decision.decidedAt) },
            },
            $push: { audit },
          },
        )
        .exec();
      if (result.modifiedCount !== 1) return false;
      await byStatus.addTarget(statusKey(decided.status), decided.id);
      await byStatus.removeTarget(statusKey('pending'), decided.id);
      return true;
    },
  };
}

/** Lean reads give BSON Binary values rather than Buffers. */
function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer: Uint8Array };
  return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.buffer.byteLength);
}
