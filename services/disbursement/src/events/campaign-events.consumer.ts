import { isMemberEvent, projectMemberEvent } from '@aid/access';
import type { CampaignEvent } from '@aid/contracts';
import type { UseCaseContext } from '../use-cases/context.ts';

/** Keeps the campaign and member projections this service authorizes with; every event is safe to see twice. */
export async function onCampaignEvent(context: UseCaseContext, event: CampaignEvent): Promise<void> {
  if (isMemberEvent(event)) {
    await projectMemberEvent(context.members, event);
    return;
  }
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
    case 'org.diaspora-aid.campaign.organization-settings-changed': {
      const { organizationId, approvalsAboveThreshold, changedAt } = event.data;
      await context.campaigns.projectSettings({
        organizationId,
        approvalsAboveThreshold,
        changedAt: new Date(changedAt),
      });
      return;
    }
    case 'org.diaspora-aid.campaign.organization-registered':
    case 'org.diaspora-aid.campaign.update-posted':
      return;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled campaign event ${(unknown as { type: string }).type}`);
    }
  }
}
