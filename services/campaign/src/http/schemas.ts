import {
  approvalsAboveThresholdSchema,
  auditPageSchema,
  auditQuerySchema,
  campaignStatuses,
  countryCodeSchema,
  crisisSchema,
  idSchema,
  memberRoles,
  organizationKinds,
} from '@aid/contracts';
import { currencySchema, positiveAmountSchema } from '@aid/money';
import { supportedLocales } from '@aid/i18n';
import { z } from 'zod';
import { auditActions } from '../domain/audit.ts';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
// zod's email pattern, not JSON Schema's `email` format (which accepts other addresses): the spec states the pattern.
const emailSchema = z.string().regex(z.regexes.email, 'must be an email address').max(254);
const timestamp = z.iso.datetime();

export const idParams = z.object({ id: idSchema });

export const memberParams = z.object({ id: idSchema, memberId: idSchema });

export const auditQuery = auditQuerySchema;

export const auditResponse = auditPageSchema(auditActions);

export const registerOrganizationBody = z.object({
  name: text(200),
  country: countryCodeSchema,
  kind: z.enum(organizationKinds),
  admin: z.object({ name: text(200).optional(), email: emailSchema.optional() }).optional(),
  registrationNumber: text(100)
    .optional()
    .describe('as registered with its authority; shown on its public page'),
  website: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) address' })
    .max(300)
    .optional(),
});

export const addMemberBody = z.object({
  name: text(200),
  email: emailSchema
    .optional()
    .describe(
      "a person's address (sign-in links, invitations); left out for an integration, which acts with its API key only",
    ),
  role: z.enum(memberRoles),
  invite: z
    .boolean()
    .optional()
    .describe('email the new member an invitation with a link that signs them in (valid 7 days)'),
  locale: z
    .enum(supportedLocales)
    .optional()
    .describe('the language of the invitation; English when not given'),
});

export const approvalRuleBody = z.object({
  approvalsAboveThreshold: approvalsAboveThresholdSchema.describe(
    "different approvers a disbursement at or above its campaign's threshold needs (2 to 10)",
  ),
});

export const signInEmailBody = z.object({
  email: emailSchema,
  locale: z.enum(supportedLocales).optional().describe('the language of the email; English when not given'),
});

export const signInLinkBody = z.object({ token: z.string().min(20).max(200) });

export const invitationBody = z.object({ locale: z.enum(supportedLocales).optional() });

export const sessionResponse = z.object({
  sessionToken: z.string().describe('send as Authorization: Bearer to every service; it ends at expiresAt'),
  expiresAt: timestamp,
  member: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    role: z.enum(memberRoles),
  }),
  organization: z.object({ id: z.string(), name: z.string() }),
});

export const meResponse = z.object({
  member: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    role: z.enum(memberRoles),
  }),
  organization: z.object({ id: z.string(), name: z.string() }),
});

// A campaign asks for something: a zero goal is a mistake, not a campaign.
const goalBody = z.object({ amount: positiveAmountSchema, currency: currencySchema });

export const createCampaignBody = z.object({
  title: text(200),
  summary: text(5000),
  goal: goalBody,
  crisis: crisisSchema,
});

const patchableFields = ['title', 'summary', 'goal', 'crisis', 'approvalThreshold'];

/**
 * A misspelt field ("titel") or one that cannot be patched ("status") is a 400 naming it, not a silent success
 * that changed nothing. Checked by hand because a strict object reports unknown keys against the whole body.
 */
export const patchCampaignBody = z
  .looseObject({
    title: text(200).optional(),
    summary: text(5000).optional(),
    goal: goalBody.optional(),
    crisis: crisisSchema.optional(),
    approvalThreshold: positiveAmountSchema
      .nullable()
      .optional()
      .describe(
        'disbursements of at least this many minor units need two different approvers; null removes the threshold',
      ),
  })
  .meta({ additionalProperties: false, minProperties: 1 })
  .superRefine((patch, context) => {
    const unknown = Object.keys(patch).filter((key) => !patchableFields.includes(key));
    for (const key of unknown)
      context.addIssue({
        code: 'custom',
        path: [key],
        message: `cannot be changed; send ${patchableFields.join(', ')}`,
      });
    if (unknown.length === 0 && !patchableFields.some((key) => patch[key] !== undefined)) {
      context.addIssue({
        code: 'custom',
        path: [],
        message: `name at least one of ${patchableFields.join(', ')}`,
      });
    }
  });

/** Base64 of the largest photo accepted, with room for padding; the decoded bytes are checked exactly. */
const photoBase64Chars = Math.ceil((5 * 1024 * 1024) / 3) * 4 + 4;

export const postUpdateBody = z.object({
  title: text(200),
  body: text(20_000),
  photo: z
    .string()
    .max(photoBase64Chars, 'must be at most 5 MiB')
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .optional()
    .describe(
      'an optional photo, base64: JPEG, PNG or WebP (checked by its bytes), at most 5 MiB; its SHA-256 goes on the public record',
    ),
});

/**
 * Cursors are opaque to clients (hex of the last id seen), so the paging key can change later. Hex rather than
 * base64url because its validity is a pattern the published schema can state: each byte one of an id's characters.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('hex');
}

const idCharacterHex = '(?:2d|3[0-9]|4[1-9a-f]|5[0-9af]|6[1-9a-f]|7[0-9a])';
const cursorPattern = new RegExp(`^${idCharacterHex}{1,64}$`);

const cursorSchema = z
  .string()
  .regex(cursorPattern, 'is not a cursor this API gave out')
  .transform((cursor) => Buffer.from(cursor, 'hex').toString('utf8'));

export const listCampaignsQuery = z.object({
  status: z.enum(['active', 'closed']).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1).max(200).default(50),
  cursor: cursorSchema.optional(),
});

export const memberResponse = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(memberRoles),
  keyRevision: z.number().int(),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
});

export const newMemberResponse = memberResponse.extend({
  apiKey: z.string(),
  invitation: z
    .enum(['sent', 'failed', 'not-asked'])
    .optional()
    .describe('whether the invitation email went out (ask again with POST …/invitations when it failed)'),
});

export const verificationResponse = z
  .object({ status: z.literal('verified'), verifiedAt: timestamp, applicationId: z.string().nullable() })
  .nullable()
  .describe(
    'a platform administrator vouched for the organization (directly, or by approving its application); null: not verified',
  );

export const organizationRecord = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  kind: z.enum(organizationKinds),
  createdAt: timestamp,
  verification: verificationResponse,
  registrationNumber: z
    .string()
    .nullable()
    .describe('as registered with its authority; public so anyone can check it'),
  website: z.string().nullable(),
});

export const registeredOrganizationResponse = organizationRecord.extend({
  apiKey: z.string(),
  member: z.object({ id: z.string(), name: z.string(), role: z.enum(memberRoles) }),
});

export const organizationResponse = organizationRecord.extend({ members: z.array(memberResponse) });

export const campaignResponse = z.object({
  id: z.string(),
  organizationId: z.string(),
  organizationName: z.string(),
  status: z.enum(campaignStatuses),
  title: z.string(),
  summary: z.string(),
  goal: z.object({ amount: z.number().int(), currency: z.string() }),
  crisis: crisisSchema,
  revision: z.number().int(),
  createdAt: timestamp,
  publishedAt: timestamp.nullable(),
  closedAt: timestamp.nullable(),
  approvalThreshold: z.number().int().nullable(),
  organizationVerifiedAt: timestamp
    .nullable()
    .describe('when the organization was verified, as it stood when the campaign was published'),
});

export const updateResponse = z.object({
  id: z.string(),
  campaignId: z.string(),
  title: z.string(),
  body: z.string(),
  postedAt: timestamp,
  photo: z
    .object({
      contentType: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      href: z.string().describe('where anyone can fetch the photo'),
    })
    .nullable()
    .describe('the photo posted with the update, or null'),
});

export const organizationCampaignsResponse = z.object({ campaigns: z.array(campaignResponse) });

export const updatePhotoParams = z.object({ id: idSchema, updateId: idSchema });

/** What anyone may know of the organization behind a public campaign: never its members. */
export const publicOrganizationResponse = organizationRecord.describe(
  'the organization running the campaign: name, country, kind and since when it is registered',
);

export const campaignWithUpdatesResponse = campaignResponse.extend({
  updates: z.array(updateResponse),
  organization: publicOrganizationResponse.nullable(),
});

/** An organization's public page: who it is and its public campaigns. */
export const organizationProfileResponse = z.object({
  organization: organizationRecord,
  campaigns: z.array(campaignResponse),
});

export const campaignListResponse = z.object({
  campaigns: z.array(campaignResponse),
  nextCursor: z.string().nullable(),
});

export { problemDocumentSchema as problemResponse } from '@aid/http-kit';
