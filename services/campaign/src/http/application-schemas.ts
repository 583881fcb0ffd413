import { countryCodeSchema, idSchema, organizationKinds } from '@aid/contracts';
import { z } from 'zod';
import { applicationDocumentTypes, applicationStatuses } from '../domain/organization-application.ts';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const emailSchema = z.string().regex(z.regexes.email, 'must be an email address').max(254);
const timestamp = z.iso.datetime();

export const submitApplicationBody = z.object({
  name: text(200),
  country: countryCodeSchema,
  kind: z.enum(organizationKinds),
  registrationNumber: text(100).describe(
    'as on the registration certificate (charity, association or company register)',
  ),
  website: z
    .url({ protocol: /^https?$/, message: 'must be a web address starting with http:// or https://' })
    .max(300)
    .optional(),
  about: text(4000).describe('what the organization does, where, and since when'),
  contact: z
    .object({ name: text(200), email: emailSchema })
    .describe('the person who will be the first admin if the application is approved'),
});

export const applicationParams = z.object({ id: idSchema });
export const applicationDocumentParams = z.object({ id: idSchema, documentId: idSchema });

export const documentQuery = z.object({
  name: z.string().trim().min(1).max(200).optional().describe('the file name, as the applicant knows it'),
});

export const applicationsQuery = z.object({ status: z.enum(applicationStatuses).default('pending') });

export const decisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  reason: text(2000).describe('why: recorded with the time, in the application and organization audit'),
});

export const submittedApplicationResponse = z.object({
  id: z.string(),
  status: z.enum(applicationStatuses),
  applicantToken: z.string().describe('shown once: send as Authorization: Bearer to upload the documents'),
});

export const applicationDocumentResponse = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.enum(applicationDocumentTypes),
  size: z.number().int(),
  sha256: z.string(),
  uploadedAt: timestamp,
});

export const applicationResponse = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  kind: z.enum(organizationKinds),
  registrationNumber: z.string(),
  website: z.string().nullable(),
  about: z.string(),
  contact: z.object({ name: z.string(), email: z.string() }),
  submittedAt: timestamp,
  status: z.enum(applicationStatuses),
  documents: z.array(applicationDocumentResponse),
  decision: z
    .object({
      decision: z.enum(['approve', 'reject']),
      reason: z.string(),
      decidedAt: timestamp,
      organizationId: z.string().nullable(),
    })
    .nullable(),
});

export const applicationListResponse = z.object({ applications: z.array(applicationResponse) });
