import type { CampaignEvent, CampaignSnapshot } from '@aid/contracts';
import type { Logger } from '@aid/telemetry';
import type { CampaignView } from '../domain/donation.ts';
import type { CampaignStore } from '../store/campaign.store.ts';
import type { MemberStore } from '../store/member.store.ts';

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
export function campaignEventsHandler(deps: { campaigns: CampaignStore; members: MemberStore; logger: Logger; now: () => Date }) {
  return async (event: CampaignEvent): Promise<void> => {
    switch (event.type) {
      case 'org.diaspora-aid.campaign.created':
      case 'org.diaspora-aid.campaign.changed':
      case 'org.diaspora-aid.campaign.published':
      case 'org.diaspora-aid.campaign.closed': {
        const kept = await deps.campaigns.saveIfNewer(campaignView(event.data.campaign), deps.now());
        if (!kept) deps.logger.debug({ campaignId: event.subject, revision: event.data.campaign.revision }, 'older campaign snapshot ignored');
        return;
      }
      case 'org.diaspora-aid.campaign.member-added':
        await deps.members.save(event.data, deps.now());
        return;
      case 'org.diaspora-aid.campaign.member-key-rotated':
        await deps.members.rotateKey(event.data, deps.now());
        return;
      case 'org.diaspora-aid.campaign.member-revoked':
        await deps.members.revoke(event.data, deps.now());
        return;
      // A rotated key replaces the old hash; a revoked member keeps a hash no bearer key can produce (real ones
      // are 64 hex digits), so both old keys stop working here as soon as the event is consumed.
      case 'org.diaspora-aid.campaign.member-key-rotated':
        await deps.members.save(event.data, deps.now());
        return;
      case 'org.diaspora-aid.campaign.member-revoked': {
        const { organizationId, memberId } = event.data;
        // The least role, on a hash no key matches: the member can no longer be authenticated at all.
        await deps.members.save({ organizationId, memberId, role: 'field-officer', apiKeyHash: `revoked:${memberId}` }, deps.now());
        return;
      }
      case 'org.diaspora-aid.campaign.organization-registered':
      case 'org.diaspora-aid.campaign.update-posted':
        return;
      default: {
        const unhandled: never = event;
        throw new Error(`unhandled campaign event ${(unhandled as { type: string }).type}`);
      }
    }
  };
}
