import { z } from 'zod';
import { eventSchema } from './envelope.ts';
import {
  campaignStatuses,
  countryCodeSchema,
  crisisSchema,
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
  crisis: crisisSchema,
  status: z.enum(campaignStatuses),
  revision: z.number().int().positive(),
  publishedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
});
export type CampaignSnapshot = z.infer<typeof campaignSnapshotSchema>;

export const organizationRegistered = eventSchema(
  'org.diaspora-aid.campaign.organization-registered',
  z.object({
    organizationId: idSchema,
    name: z.string(),
    country: countryCodeSchema,
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
  }),
);

export const campaignEventSchema = z.discriminatedUnion('type', [
  organizationRegistered,
  memberAdded,
  campaignCreated,
  campaignChanged,
  campaignPublished,
  campaignClosed,
  campaignUpdatePosted,
]);
export type CampaignEvent = z.infer<typeof campaignEventSchema>;
