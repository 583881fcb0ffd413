import { envelope, topics, type CampaignSnapshot, type EventOf } from '@aid/contracts';
import { outboxMessage, type OutboxMessage } from '@aid/store';
import type { Campaign, CampaignUpdate } from '../domain/campaign.ts';
import type { Member, Organization } from '../domain/organization.ts';

export const eventSource = '/services/campaign';

type CampaignTopicEvent = EventOf<typeof topics.campaign>;

function message(event: CampaignTopicEvent): OutboxMessage {
  return outboxMessage(topics.campaign, event);
}

export function snapshotOf(campaign: Campaign): CampaignSnapshot {
  return {
    campaignId: campaign.id,
    organizationId: campaign.organizationId,
    organizationName: campaign.organizationName,
    title: campaign.title,
    summary: campaign.summary,
    goal: campaign.goal,
    crisis: campaign.crisis,
    status: campaign.status,
    revision: campaign.revision,
    publishedAt: campaign.publishedAt,
    closedAt: campaign.closedAt,
    // Optional in the contract, so snapshots from before thresholds existed still parse.
    ...(campaign.approvalThreshold === null ? {} : { approvalThreshold: campaign.approvalThreshold }),
    // The public record says the organization was vetted, and since when; absent for campaigns published before.
    ...(campaign.organizationVerifiedAt === null
      ? {}
      : { organizationVerifiedAt: campaign.organizationVerifiedAt }),
  };
}

export function organizationRegisteredMessage(organization: Organization, now: Date): OutboxMessage {
  return message(
    envelope({
      type: 'org.diaspora-aid.campaign.organization-registered',
      source: eventSource,
      subject: organization.id,
      time: now,
      data: {
        organizationId: organization.id,
        name: organization.name,
        country: organization.country,
        kind: organization.kind,
      },
    }),
  );
}

/** One per member: other services learn who may act (by key hash and role) only from these. */
export function memberAddedMessage(organizationId: string, member: Member, now: Date): OutboxMessage {
  return message(
    envelope({
      type: 'org.diaspora-aid.campaign.member-added',
      source: eventSource,
      subject: organizationId,
      time: now,
      data: { organizationId, memberId: member.id, role: member.role, apiKeyHash: member.apiKeyHash },
    }),
  );
}

/** The old key must stop working everywhere: other services swap the hash they authenticate with. */
export function memberKeyRotatedMessage(organizationId: string, member: Member, now: Date): OutboxMessage {
  return message(
    envelope({
      type: 'org.diaspora-aid.campaign.member-key-rotated',
      source: eventSource,
      subject: organizationId,
      time: now,
      data: {
        organizationId,
        memberId: member.id,
        role: member.role,
        apiKeyHash: member.apiKeyHash,
        keyRevision: member.keyRevision,
        rotatedAt: now.toISOString(),
      },
    }),
  );
}

export function memberRevokedMessage(
  organizationId: string,
  member: Member,
  revokedBy: string,
  now: Date,
): OutboxMessage {
  return message(
    envelope({
      type: 'org.diaspora-aid.campaign.member-revoked',
      source: eventSource,
      subject: organizationId,
      time: now,
      data: { organizationId, memberId: member.id, revokedBy, revokedAt: now.toISOString() },
    }),
  );
}

export function memberSessionsEndedMessage(organizationId: string, member: Member, now: Date): OutboxMessage {
  return message(
    envelope({
      type: 'org.diaspora-aid.campaign.member-sessions-ended',
      source: eventSource,
      subject: organizationId,
      time: now,
      data: { organizationId, memberId: member.id, endedAt: now.toISOString() },
    }),
  );
}

export function organizationSettingsChangedMessage(
  organizationId: string,
  approvalsAboveThreshold: number,
  now: Date,
): OutboxMessage {
  return message(
    envelope({
      type: 'org.diaspora-aid.campaign.organization-settings-changed',
      source: eventSource,
      subject: organizationId,
      time: now,
      data: { organizationId, approvalsAboveThreshold, changedAt: now.toISOString() },
    }),
  );
}

export type CampaignChange = 'created' | 'changed' | 'published' | 'closed';

const typeOfChange = {
  created: 'org.diaspora-aid.campaign.created',
  changed: 'org.diaspora-aid.campaign.changed',
  published: 'org.diaspora-aid.campaign.published',
  closed: 'org.diaspora-aid.campaign.closed',
} as const satisfies Record<CampaignChange, CampaignTopicEvent['type']>;

export function campaignChangeMessage(change: CampaignChange, campaign: Campaign, now: Date): OutboxMessage {
  return message(
    envelope({
      type: typeOfChange[change],
      source: eventSource,
      subject: campaign.id,
      time: now,
      data: { campaign: snapshotOf(campaign) },
    }),
  );
}

export function updatePostedMessage(update: CampaignUpdate): OutboxMessage {
  return message(
    envelope({
      type: 'org.diaspora-aid.campaign.update-posted',
      source: eventSource,
      subject: update.campaignId,
      time: new Date(update.postedAt),
      data: {
        campaignId: update.campaignId,
        updateId: update.id,
        title: update.title,
        body: update.body,
        postedAt: update.postedAt,
        ...(update.photo
          ? {
              photo: {
                contentType: update.photo.contentType,
                size: update.photo.size,
                sha256: update.photo.sha256,
              },
            }
          : {}),
      },
    }),
  );
}
