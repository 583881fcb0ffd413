import { randomBytes, timingSafeEqual } from 'node:crypto';
import { auditEntry, platformActor } from '../domain/audit.ts';
import { errors } from '../domain/errors.ts';
import {
  addDocument,
  applicantTokenHash,
  applicationDocumentsMax,
  decideApplication,
  submitApplication,
  type ApplicationDocument,
  type ApplicationStatus,
  type OrganizationApplication,
  type SubmitApplication,
} from '../domain/organization-application.ts';
import type { CampaignContext } from './context.ts';
import { registerOrganization } from './register-organization.ts';

/** The applicant's audit entries are under this actor: they are nobody's member yet. */
const applicantActor = 'applicant';

export interface SubmittedApplication {
  application: OrganizationApplication;
  /** Shown once: only its hash is kept. It lets the applicant add documents, nothing else. */
  applicantToken: string;
}

export async function submitOrganizationApplication(
  context: CampaignContext,
  command: SubmitApplication,
): Promise<SubmittedApplication> {
  const now = context.now();
  const applicantToken = `app_${randomBytes(32).toString('base64url')}`;
  const application = submitApplication(command, {
    now,
    newId: context.newId,
    applicantTokenHash: applicantTokenHash(applicantToken),
  });
  await context.applications.insert(
    application,
    auditEntry(context.newId(), 'application.submitted', applicantActor, application.id, now, {
      name: application.name,
    }),
  );
  return { application, applicantToken };
}

async function existing(context: CampaignContext, applicationId: string): Promise<OrganizationApplication> {
  const application = await context.applications.find(applicationId);
  if (!application) throw errors.applicationNotFound(applicationId);
  return application;
}

/** The applicant token of this application, compared by hash in constant time; any other token is refused alike. */
export async function requireApplicant(
  context: CampaignContext,
  applicationId: string,
  token: string,
): Promise<void> {
  const application = await context.applications.find(applicationId);
  const expected = Buffer.from(application?.applicantTokenHash ?? '0'.repeat(64), 'hex');
  const given = Buffer.from(applicantTokenHash(token), 'hex');
  if (!application || !timingSafeEqual(expected, given)) throw errors.applicantTokenInvalid();
}

export async function addApplicationDocument(
  context: CampaignContext,
  applicationId: string,
  upload: { bytes: Buffer; name: string | undefined },
): Promise<ApplicationDocument> {
  // Another upload or the decision may come first: decide again on what is stored then, for the real reason.
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const application = await existing(context, applicationId);
    const now = context.now();
    const document = addDocument(application, upload, { now, newId: context.newId });
    const audit = auditEntry(
      context.newId(),
      'application.document-added',
      applicantActor,
      document.id,
      now,
      { name: document.name, sha256: document.sha256, size: document.size },
    );
    if (
      await context.applications.addDocument(
        applicationId,
        application.documents.length,
        document,
        upload.bytes,
        audit,
      )
    )
      return document;
  }
  throw errors.tooManyDocuments(applicationDocumentsMax);
}

export function applicationsWithStatus(
  context: CampaignContext,
  status: ApplicationStatus,
): Promise<OrganizationApplication[]> {
  return context.applications.withStatus(status);
}

export function readApplication(
  context: CampaignContext,
  applicationId: string,
): Promise<OrganizationApplication> {
  return existing(context, applicationId);
}

export async function readApplicationDocument(
  context: CampaignContext,
  applicationId: string,
  documentId: string,
): Promise<{ document: ApplicationDocument; bytes: Buffer }> {
  const application = await existing(context, applicationId);
  const document = application.documents.find((candidate) => candidate.id === documentId);
  const bytes = document ? await context.applications.file(applicationId, documentId) : null;
  if (!document || !bytes) throw errors.documentNotFound(documentId);
  return { document, bytes };
}

/** Registers the organization an approval names: verified by the application, its contact person the first admin. */
async function registerApproved(
  context: CampaignContext,
  application: OrganizationApplication,
  organizationId: string,
  reason: string,
): Promise<void> {
  await registerOrganization(
    context,
    {
      id: organizationId,
      name: application.name,
      country: application.country,
      kind: application.kind,
      admin: { name: application.contact.name, email: application.contact.email },
      applicationId: application.id,
      registrationNumber: application.registrationNumber,
      ...(application.website ? { website: application.website } : {}),
    },
    reason,
  );
}

/**
 * The platform administrator's decision, once. The decision is recorded first (guarded on the application still
 * pending), so two approvals racing cannot register two organizations; the organization is registered right
 * after, under the id the decision names. Should the service stop in between, approving again finishes that
 * registration (with the recorded reason) instead of answering that the application is decided.
 */
export async function decideOrganizationApplication(
  context: CampaignContext,
  applicationId: string,
  command: { decision: 'approve' | 'reject'; reason: string },
): Promise<OrganizationApplication> {
  const application = await existing(context, applicationId);
  const named = application.decision?.organizationId ?? null;
  if (
    command.decision === 'approve' &&
    application.status === 'approved' &&
    named !== null &&
    !(await context.organizations.find(named))
  ) {
    await registerApproved(context, application, named, application.decision?.reason ?? command.reason);
    return application;
  }
  const now = context.now();
  const organizationId = command.decision === 'approve' ? context.newId() : null;
  const decided = decideApplication(application, command, { now, organizationId });
  const audit = auditEntry(
    context.newId(),
    command.decision === 'approve' ? 'application.approved' : 'application.rejected',
    platformActor,
    applicationId,
    now,
    {
      reason: command.reason,
      organizationId,
    },
  );
  if (!(await context.applications.decide(decided, audit))) {
    throw errors.applicationDecided((await existing(context, applicationId)).status);
  }
  if (organizationId !== null) await registerApproved(context, application, organizationId, command.reason);
  return decided;
}
