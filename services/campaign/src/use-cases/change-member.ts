import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import { errors } from '../domain/errors.ts';
import {
  revokeMember as decideRevocation,
  rotateKey as decideRotation,
  type Member,
  type Organization,
} from '../domain/organization.ts';
import { memberKeyRotatedMessage, memberRevokedMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

// A lost race means someone changed the members meanwhile: decide again on what they wrote.
const attempts = 3;

async function changeMember(
  context: CampaignContext,
  organizationId: string,
  memberId: string,
  change: (
    organization: Organization,
    previousKeyHash: string,
    now: Date,
  ) => { member: Member; save: (next: Member) => Promise<boolean> },
): Promise<Member> {
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const organization = await context.organizations.find(organizationId);
    if (!organization) throw errors.organizationNotFound(organizationId);
    // An unknown member is refused by the decision itself, before any write.
    const previousKeyHash = organization.members.find((member) => member.id === memberId)?.apiKeyHash ?? '';
    const { member, save } = change(organization, previousKeyHash, context.now());
    if (await save(member)) {
      context.outboxQueued();
      return member;
    }
  }
  throw errors.concurrentChange();
}

/** A new key for the member: shown once, the old one refused from the moment this returns. */
export async function rotateMemberKey(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
  memberId: string,
): Promise<{ member: Member; apiKey: string }> {
  const key = context.newApiKey();
  const member = await changeMember(
    context,
    organizationId,
    memberId,
    (organization, previousKeyHash, now) => {
      const rotated = decideRotation(organization, actor, memberId, key.apiKeyHash);
      const audit = auditEntry(context.newId(), 'member.key-rotated', actor.memberId, memberId, now, {
        keyRevision: rotated.keyRevision,
      });
      return {
        member: rotated,
        save: (next) =>
          context.organizations.replaceMember(
            organizationId,
            next,
            previousKeyHash,
            [memberKeyRotatedMessage(organizationId, next, now)],
            audit,
          ),
      };
    },
  );
  return { member, apiKey: key.apiKey };
}

export function revokeMember(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
  memberId: string,
): Promise<Member> {
  return changeMember(context, organizationId, memberId, (organization, previousKeyHash, now) => {
    const revoked = decideRevocation(organization, actor, memberId, now);
    const audit = auditEntry(context.newId(), 'member.revoked', actor.memberId, memberId, now, {
      role: revoked.role,
    });
    return {
      member: revoked,
      save: (next) =>
        context.organizations.replaceMember(
          organizationId,
          next,
          previousKeyHash,
          [memberRevokedMessage(organizationId, next, actor.memberId, now)],
          audit,
        ),
    };
  });
}
