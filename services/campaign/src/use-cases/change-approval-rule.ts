import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import { errors } from '../domain/errors.ts';
import { canReadOrganization, changeApprovalRule } from '../domain/organization.ts';
import { organizationSettingsChangedMessage } from '../events/campaign-events.ts';
import type { CampaignContext } from './context.ts';

export interface ApprovalRule {
  approvalsAboveThreshold: number;
}

/** The organization's approval rule, for its members. */
export async function readApprovalRule(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
): Promise<ApprovalRule> {
  const organization = await context.organizations.find(organizationId);
  if (!organization || !canReadOrganization(organization, actor))
    throw errors.organizationNotFound(organizationId);
  return { approvalsAboveThreshold: organization.approvalsAboveThreshold };
}

/**
 * An admin sets how many different approvers a disbursement at or above its campaign's threshold needs; the
 * disbursement service applies it from the event. Setting the value it already has changes nothing.
 */
export async function setApprovalRule(
  context: CampaignContext,
  actor: Actor,
  organizationId: string,
  approvalsAboveThreshold: number,
): Promise<ApprovalRule> {
  const organization = await context.organizations.find(organizationId);
  if (!organization) throw errors.organizationNotFound(organizationId);
  const changed = changeApprovalRule(organization, actor, approvalsAboveThreshold);
  if (changed === null) return { approvalsAboveThreshold };
  const now = context.now();
  const audit = auditEntry(
    context.newId(),
    'organization.approval-rule-changed',
    actor.memberId,
    organizationId,
    now,
    {
      from: organization.approvalsAboveThreshold,
      to: changed,
    },
  );
  if (
    !(await context.organizations.setApprovalRule(
      organizationId,
      changed,
      [organizationSettingsChangedMessage(organizationId, changed, now)],
      audit,
    ))
  ) {
    throw errors.organizationNotFound(organizationId);
  }
  context.outboxQueued();
  return { approvalsAboveThreshold: changed };
}
