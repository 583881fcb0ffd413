import { attachmentDisposition, bearerToken, defineRoute, type RouteRateLimit } from '@aid/http-kit';
import type { Request } from 'express';
import type { z } from 'zod';
import {
  applicationDocumentLimitBytes,
  applicationDocumentTypes,
  type ApplicationDocument,
  type OrganizationApplication,
} from '../domain/organization-application.ts';
import type { CampaignContext } from '../use-cases/context.ts';
import {
  addApplicationDocument,
  applicationsWithStatus,
  decideOrganizationApplication,
  readApplication,
  readApplicationDocument,
  requireApplicant,
  submitOrganizationApplication,
} from '../use-cases/organization-applications.ts';
import {
  applicationDocumentParams,
  applicationDocumentResponse,
  applicationListResponse,
  applicationParams,
  applicationResponse,
  applicationsQuery,
  decisionBody,
  documentQuery,
  submitApplicationBody,
  submittedApplicationResponse,
} from './application-schemas.ts';
import { applicationDocumentsPath, readApplicationDocumentUpload } from './application-document-body.ts';
import { problemResponse } from './schemas.ts';

const tag = 'Organization applications';

function documentBody(document: ApplicationDocument): z.infer<typeof applicationDocumentResponse> {
  return {
    id: document.id,
    name: document.name,
    contentType: document.contentType,
    size: document.size,
    sha256: document.sha256,
    uploadedAt: document.uploadedAt,
  };
}

// Picks fields explicitly: the applicant token's hash never leaves the service.
function applicationBody(application: OrganizationApplication): z.infer<typeof applicationResponse> {
  return {
    id: application.id,
    name: application.name,
    country: application.country,
    kind: application.kind,
    registrationNumber: application.registrationNumber,
    website: application.website,
    about: application.about,
    contact: application.contact,
    submittedAt: application.submittedAt,
    status: application.status,
    documents: application.documents.map(documentBody),
    decision: application.decision,
  };
}

export function organizationApplicationRoutes(
  context: CampaignContext,
  auth: { platformAdmin: (request: Request) => Promise<void> },
  limits: { submit: RouteRateLimit[]; documents: RouteRateLimit[] },
  /** Tells the approved organization's first admin (an invitation by email); its failure never undoes the decision. */
  onApproved?: (organizationId: string) => Promise<void>,
) {
  const admin = { security: 'bearer' as const, authenticate: auth.platformAdmin };
  return [
    defineRoute<z.infer<typeof submitApplicationBody>, undefined, undefined, undefined>({
      method: 'post',
      path: '/v1/organization-applications',
      summary:
        'Apply to join the platform (anyone); the applicant token that lets the applicant add documents is shown once',
      tag,
      rateLimits: limits.submit,
      body: submitApplicationBody,
      responses: {
        201: {
          description: 'Received; a platform administrator reviews it',
          schema: submittedApplicationResponse,
        },
        400: { description: 'Invalid body', schema: problemResponse },
        429: { description: 'Too many applications from this address', schema: problemResponse },
      },
      async handle({ body }) {
        const { application, applicantToken } = await submitOrganizationApplication(context, body);
        return { status: 201, body: { id: application.id, status: application.status, applicantToken } };
      },
    }),
    defineRoute<undefined, z.infer<typeof applicationParams>, z.infer<typeof documentQuery>, undefined>({
      method: 'post',
      path: applicationDocumentsPath,
      summary: `Add a document to a pending application as the raw body (PDF, JPEG or PNG, checked by its bytes; at most ${applicationDocumentLimitBytes} bytes, 5 documents; the applicant token)`,
      tag,
      security: 'bearer',
      rateLimits: limits.documents,
      // Checked before the body is read: a stranger's upload is refused without being taken in.
      authenticate: async (request) => {
        await requireApplicant(context, String(request.params.id ?? ''), bearerToken(request));
        return undefined;
      },
      params: applicationParams,
      query: documentQuery,
      rawBody: {
        description: 'the file itself; its first bytes must say PDF, JPEG or PNG',
        contentTypes: applicationDocumentTypes,
      },
      responses: {
        201: {
          description: "The stored document's description with its SHA-256",
          schema: applicationDocumentResponse,
        },
        401: { description: 'Not the applicant token of this application', schema: problemResponse },
        409: { description: 'Already 5 documents, or the application was decided', schema: problemResponse },
        413: { description: 'Larger than 10 MiB', schema: problemResponse },
        415: { description: 'Not a PDF, JPEG or PNG file', schema: problemResponse },
      },
      async handle({ params, query, request }) {
        // One byte over the limit is enough to refuse, so the reader stops there.
        const bytes = await readApplicationDocumentUpload(request, applicationDocumentLimitBytes);
        return {
          status: 201,
          body: documentBody(await addApplicationDocument(context, params.id, { bytes, name: query.name })),
        };
      },
    }),
    defineRoute<undefined, undefined, z.infer<typeof applicationsQuery>, void>({
      ...admin,
      method: 'get',
      path: '/v1/organization-applications',
      summary: 'Applications in one status (pending by default), oldest first (platform administrator key)',
      tag,
      query: applicationsQuery,
      responses: {
        200: { description: 'The applications', schema: applicationListResponse },
        400: { description: 'Invalid query', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not the platform administrator key', schema: problemResponse },
      },
      async handle({ query }) {
        return {
          body: { applications: (await applicationsWithStatus(context, query.status)).map(applicationBody) },
        };
      },
    }),
    defineRoute<undefined, z.infer<typeof applicationParams>, undefined, void>({
      ...admin,
      method: 'get',
      path: '/v1/organization-applications/:id',
      summary:
        'An application with its documents (names, types, sizes, SHA-256) and decision (platform administrator key)',
      tag,
      params: applicationParams,
      responses: {
        200: { description: 'The application', schema: applicationResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not the platform administrator key', schema: problemResponse },
        404: { description: 'No such application', schema: problemResponse },
      },
      async handle({ params }) {
        return { body: applicationBody(await readApplication(context, params.id)) };
      },
    }),
    defineRoute<undefined, z.infer<typeof applicationDocumentParams>, undefined, void>({
      ...admin,
      method: 'get',
      path: `${applicationDocumentsPath}/:documentId`,
      summary:
        "Download an application's document (platform administrator key); its SHA-256 is in the X-Content-SHA256 header",
      tag,
      params: applicationDocumentParams,
      responses: {
        200: { description: 'The document, as an attachment', contentType: 'application/octet-stream' },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not the platform administrator key', schema: problemResponse },
        404: { description: 'No such application or document', schema: problemResponse },
      },
      async handle({ params }) {
        const { document, bytes } = await readApplicationDocument(context, params.id, params.documentId);
        return {
          body: bytes,
          contentType: document.contentType,
          headers: {
            // Applicants' files are never shown inline on our origin: downloaded, under their name, type as checked.
            'content-disposition': attachmentDisposition(document.name),
            'x-content-type-options': 'nosniff',
            'x-content-sha256': document.sha256,
            'cache-control': 'private, no-store',
          },
        };
      },
    }),
    defineRoute<z.infer<typeof decisionBody>, z.infer<typeof applicationParams>, undefined, void>({
      ...admin,
      method: 'post',
      path: '/v1/organization-applications/:id/decision',
      summary:
        'Approve or reject an application, with the reason, once (platform administrator key); approval registers the organization, verified, its contact person the first admin (who signs in by email)',
      tag,
      params: applicationParams,
      body: decisionBody,
      responses: {
        200: {
          description: 'The decided application; an approval names the new organization',
          schema: applicationResponse,
        },
        400: { description: 'Invalid body (a reason is required)', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not the platform administrator key', schema: problemResponse },
        404: { description: 'No such application', schema: problemResponse },
        409: { description: 'Already decided', schema: problemResponse },
      },
      async handle({ params, body }) {
        const decided = await decideOrganizationApplication(context, params.id, body);
        if (decided.status === 'approved' && decided.decision?.organizationId)
          await onApproved?.(decided.decision.organizationId);
        return { body: applicationBody(decided) };
      },
    }),
  ];
}
