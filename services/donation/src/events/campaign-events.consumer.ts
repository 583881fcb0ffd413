import type { CampaignEvent, CampaignSnapshot } from '@aid/contracts';
import type { Logger } from '@aid/telemetry';
import type { CampaignView } from '../domain/donation.ts';
import type { CampaignStore } from '../store/campaign.store.ts';
import { isMemberEvent, projectMemberEvent, type MemberProjection } from '@aid/access';

function campaignView(snapshot: CampaignSnapshot): CampaignView {
  return {
    campaignId: snapshot.campaignId,
    organizationId: snapshot.organizationId,
    status: snapshot.status,
    // Gifts are taken in the goal's currency, so every campaign total stays in one currency.
    currency: snapshot.goal.currency,
    revision: snapshot.revision,
  };
}

/**
 * Keeps the campaign and member projections. Idempotent: snapshots are kept only when their revision is higher
 * than the one held (so late or repeated events change nothing), and a member is saved with the same fields
 * every time its event comes.
 */
export function campaignEventsHandler(deps: {
  campaigns: CampaignStore;
  members: MemberProjection;
  logger: Logger;
  now: () => Date;
}) {
  return async (event: CampaignEvent): Promise<void> => {
    if (isMemberEvent(event)) {
      await projectMemberEvent(deps.members, event);
      return;
    }
    switch (event.type) {
      case 'org.diaspora-aid.campaign.created':
      case 'org.diaspora-aid.campaign.changed':
      case 'org.diaspora-aid.campaign.published':
      case 'org.diaspora-aid.campaign.closed': {
        const kept = await deps.campaigns.saveIfNewer(campaignView(event.data.campaign), deps.now());
        if (!kept)
          deps.logger.debug(
            { campaignId: event.subject, revision: event.data.campaign.revision },
            'older campaign snapshot ignored',
          );
        return;
      }
      case 'org.diaspora-aid.campaign.organization-registered':
      case 'org.diaspora-aid.campaign.organization-settings-changed':
      case 'org.diaspora-aid.campaign.update-posted':
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled campaign event ${(unhandled as { type: string }).type}`);
      }
    }
  };
}
