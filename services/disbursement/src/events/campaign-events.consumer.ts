import type { CampaignEvent } from '@aid/contracts';
import type { UseCaseContext } from '../use-cases/context.ts';

/** Keeps the campaign and member projections this service authorizes with; every event is safe to see twice. */
export async function onCampaignEvent(context: UseCaseContext, event: CampaignEvent): Promise<void> {
  switch (event.type) {
    case 'org.diaspora-aid.campaign.created':
    case 'org.diaspora-aid.campaign.changed':
    case 'org.diaspora-aid.campaign.published':
    case 'org.diaspora-aid.campaign.closed': {
      const { campaign } = event.data;
      await context.campaigns.project({
        campaignId: campaign.campaignId,
        organizationId: campaign.organizationId,
        currency: campaign.goal.currency,
        status: campaign.status,
        revision: campaign.revision,
        approvalThreshold: campaign.approvalThreshold ?? null,
      });
      return;
    }
    case 'org.diaspora-aid.campaign.member-added':
      await context.members.project(event.data);
      return;
    case 'org.diaspora-aid.campaign.member-key-rotated': {
      const { memberId, organizationId, role, apiKeyHash, keyRevision } = event.data;
      await context.members.rotate({ memberId, organizationId, role, apiKeyHash, keyRevision });
      return;
    }
    case 'org.diaspora-aid.campaign.member-revoked': {
      const { memberId, organizationId, revokedAt } = event.data;
      await context.members.revoke({ memberId, organizationId, revokedAt: new Date(revokedAt) });
      return;
    }
    case 'org.diaspora-aid.campaign.member-sessions-ended':
      await context.members.endSessions({ memberId: event.data.memberId, endedAt: new Date(event.data.endedAt) });
      return;
    case 'org.diaspora-aid.campaign.organization-registered':
    case 'org.diaspora-aid.campaign.update-posted':
      return;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled campaign event ${(unknown as { type: string }).type}`);
    }
  }
}
