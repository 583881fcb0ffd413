import { amountSchema } from '@aid/money';
import { z } from 'zod';
import { eventSchema } from './envelope.ts';
import {
  campaignStatuses,
  recordedCountryCodeSchema,
  recordedCrisisSchema,
  goalSchema,
  idSchema,
  memberRoles,
  organizationKinds,
} from './shared-schemas.ts';

/**
 * Campaign events carry a full snapshot with a revision, so a consumer that sees them late or twice keeps
 * the highest revision and never needs the events in between.
 */
export const campaignSnapshotSchema = z.object({
  campaignId: idSchema,
  organizationId: idSchema,
  organizationName: z.string(),
  title: z.string(),
  summary: z.string(),
  goal: goalSchema,
  crisis: recordedCrisisSchema,
  status: z.enum(campaignStatuses),
  revision: z.number().int().positive(),
  publishedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  /** When a platform administrator verified the organization, as it stood at publication; absent before verification existed. */
  organizationVerifiedAt: z.iso.datetime().optional(),
  /** Disbursements of at least this many minor units need more than one approver; absent means one is enough. */
  approvalThreshold: amountSchema.optional(),
});
export type CampaignSnapshot = z.infer<typeof campaignSnapshotSchema>;

export const organizationRegistered = eventSchema(
  'org.diaspora-aid.campaign.organization-registered',
  z.object({
    organizationId: idSchema,
    name: z.string(),
    country: recordedCountryCodeSchema,
    kind: z.enum(organizationKinds),
  }),
);

/** Other services authenticate members from this projection: only the key's hash ever leaves the campaign service. */
export const memberAdded = eventSchema(
  'org.diaspora-aid.campaign.member-added',
  z.object({
    organizationId: idSchema,
    memberId: idSchema,
    role: z.enum(memberRoles),
    apiKeyHash: z.string().regex(/^[0-9a-f]{64}$/),
  }),
);

/**
 * A member's new key replaces the old one, which must stop working everywhere. `keyRevision` grows with every
 * rotation (the key given at `member-added` is revision 1), so a projection that sees events late or twice keeps
 * the newest key and never brings an old one back.
 */
export const memberKeyRotated = eventSchema(
  'org.diaspora-aid.campaign.member-key-rotated',
  z.object({
    organizationId: idSchema,
    memberId: idSchema,
    role: z.enum(memberRoles),
    apiKeyHash: z.string().regex(/^[0-9a-f]{64}$/),
    keyRevision: z.number().int().min(2),
    rotatedAt: z.iso.datetime(),
  }),
);

/** The member leaves the organization: their key stops working everywhere, for good. */
export const memberRevoked = eventSchema(
  'org.diaspora-aid.campaign.member-revoked',
  z.object({
    organizationId: idSchema,
    memberId: idSchema,
    revokedBy: idSchema,
    revokedAt: z.iso.datetime(),
  }),
);

/**
 * The member signed out everywhere: sessions they started before `endedAt` stop working in every service
 * (each service checks a session's start against its own copy of the member). API keys are unaffected.
 */
export const memberSessionsEnded = eventSchema(
  'org.diaspora-aid.campaign.member-sessions-ended',
  z.object({
    organizationId: idSchema,
    memberId: idSchema,
    endedAt: z.iso.datetime(),
  }),
);

/** Bounds of an organization's own rules: how many different approvers a disbursement at or above its threshold needs. */
export const approvalsAboveThresholdSchema = z.number().int().min(2).max(10);

/**
 * An organization changed its rules: `approvalsAboveThreshold` different approvers for a disbursement at or
 * above its campaign's threshold (N of the organization's approvers). `changedAt` orders changes: a later one wins.
 */
export const organizationSettingsChanged = eventSchema(
  'org.diaspora-aid.campaign.organization-settings-changed',
  z.object({
    organizationId: idSchema,
    approvalsAboveThreshold: approvalsAboveThresholdSchema,
    changedAt: z.iso.datetime(),
  }),
);

const snapshotData = z.object({ campaign: campaignSnapshotSchema });
export const campaignCreated = eventSchema('org.diaspora-aid.campaign.created', snapshotData);
export const campaignChanged = eventSchema('org.diaspora-aid.campaign.changed', snapshotData);
export const campaignPublished = eventSchema('org.diaspora-aid.campaign.published', snapshotData);
export const campaignClosed = eventSchema('org.diaspora-aid.campaign.closed', snapshotData);

export const campaignUpdatePosted = eventSchema(
  'org.diaspora-aid.campaign.update-posted',
  z.object({
    campaignId: idSchema,
    updateId: idSchema,
    title: z.string(),
    body: z.string(),
    postedAt: z.iso.datetime(),
    /** The photo posted with the update; absent on updates without one and on events from before photos. */
    photo: z
      .object({
        contentType: z.string(),
        size: z.number().int().nonnegative(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .optional(),
  }),
);

export const campaignEventSchema = z.discriminatedUnion('type', [
  organizationRegistered,
  memberAdded,
  memberKeyRotated,
  memberRevoked,
  memberSessionsEnded,
  organizationSettingsChanged,
  campaignCreated,
  campaignChanged,
  campaignPublished,
  campaignClosed,
  campaignUpdatePosted,
]);
export type CampaignEvent = z.infer<typeof campaignEventSchema>;
