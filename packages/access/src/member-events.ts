import type { CampaignEvent } from '@aid/contracts';
import type { MemberProjection } from './member-projection.ts';

type MemberEventType =
  | 'org.diaspora-aid.campaign.member-added'
  | 'org.diaspora-aid.campaign.member-key-rotated'
  | 'org.diaspora-aid.campaign.member-revoked'
  | 'org.diaspora-aid.campaign.member-sessions-ended';

export type MemberEvent = Extract<CampaignEvent, { type: MemberEventType }>;

export function isMemberEvent(event: CampaignEvent): event is MemberEvent {
  return (
    event.type === 'org.diaspora-aid.campaign.member-added' ||
    event.type === 'org.diaspora-aid.campaign.member-key-rotated' ||
    event.type === 'org.diaspora-aid.campaign.member-revoked' ||
    event.type === 'org.diaspora-aid.campaign.member-sessions-ended'
  );
}

/** Keeps a service's copy of the members from the campaign service's member events; each is idempotent. */
export async function projectMemberEvent(members: MemberProjection, event: MemberEvent): Promise<void> {
  switch (event.type) {
    case 'org.diaspora-aid.campaign.member-added':
      return members.added(event.data);
    case 'org.diaspora-aid.campaign.member-key-rotated': {
      const { memberId, organizationId, role, apiKeyHash, keyRevision } = event.data;
      return members.keyRotated({ memberId, organizationId, role, apiKeyHash, keyRevision });
    }
    case 'org.diaspora-aid.campaign.member-revoked': {
      const { memberId, organizationId, revokedAt } = event.data;
      return members.revoked({ memberId, organizationId, revokedAt: new Date(revokedAt) });
    }
    case 'org.diaspora-aid.campaign.member-sessions-ended':
      return members.sessionsEnded({ memberId: event.data.memberId, endedAt: new Date(event.data.endedAt) });
    default: {
      const unhandled: never = event;
      throw new Error(`unhandled member event ${(unhandled as { type: string }).type}`);
    }
  }
}
