import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import { errors } from '../domain/errors.ts';
import { addMember as decide, type Member, type NewMember } from '../domain/organization.ts';
import { memberAddedMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

const outcomeErrors = {
  'email-taken': (member: Member) => errors.emailTaken(member.email ?? ''),
  'not-found': (_member: Member, organizationId: string) => errors.organizationNotFound(organizationId),
};

export async function addMember(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
  command: NewMember,
): Promise<{ member: Member; apiKey: string }> {
  const organization = await context.organizations.find(organizationId);
  if (!organization) throw errors.organizationNotFound(organizationId);
  const now = context.now();
  const key = context.newApiKey();
  const member = decide(organization, actor, command, {
    now,
    newId: context.newId,
    apiKeyHash: key.apiKeyHash,
  });
  const audit = auditEntry(context.newId(), 'member.added', actor.memberId, member.id, now, {
    role: member.role,
    name: member.name,
  });
  if (member.email) await context.signIn.linkEmail(member.email, organizationId);
  const outcome = await context.organizations.appendMember(
    organizationId,
    member,
    [memberAddedMessage(organizationId, member, now)],
    audit,
  );
  if (outcome !== 'added') throw outcomeErrors[outcome](member, organizationId);
  context.outboxQueued();
  return { member, apiKey: key.apiKey };
}
