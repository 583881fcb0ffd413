import { presentAuditPage, type AuditPage } from '@aid/contracts';
import type { z } from 'zod';
import type { Campaign, CampaignUpdate } from '../domain/campaign.ts';
import type { AuditAction } from '../domain/audit.ts';
import { activeMembers, type Member, type Organization } from '../domain/organization.ts';
import type {
  auditResponse,
  campaignResponse,
  memberResponse,
  organizationRecord,
  organizationResponse,
  updateResponse,
} from './schemas.ts';

// Presenters pick fields explicitly, so nothing stored (key hashes above all) reaches a response by accident.

export function memberBody(member: Member): z.infer<typeof memberResponse> {
  return {
    id: member.id,
    name: member.name,
    email: member.email,
    role: member.role,
    keyRevision: member.keyRevision,
    createdAt: member.createdAt,
    revokedAt: member.revokedAt,
  };
}

export function organizationRecordBody(organization: Organization): z.infer<typeof organizationRecord> {
  return {
    id: organization.id,
    name: organization.name,
    country: organization.country,
    kind: organization.kind,
    createdAt: organization.createdAt,
    verification: organization.verification === null ? null : { ...organization.verification },
    registrationNumber: organization.registrationNumber,
    website: organization.website,
  };
}

export function organizationBody(organization: Organization): z.infer<typeof organizationResponse> {
  // Current members only; who left and when is in the audit trail.
  return { ...organizationRecordBody(organization), members: activeMembers(organization).map(memberBody) };
}

export function campaignBody(campaign: Campaign): z.infer<typeof campaignResponse> {
  return {
    id: campaign.id,
    organizationId: campaign.organizationId,
    organizationName: campaign.organizationName,
    status: campaign.status,
    title: campaign.title,
    summary: campaign.summary,
    goal: campaign.goal,
    crisis: campaign.crisis,
    revision: campaign.revision,
    createdAt: campaign.createdAt,
    publishedAt: campaign.publishedAt,
    closedAt: campaign.closedAt,
    approvalThreshold: campaign.approvalThreshold,
    organizationVerifiedAt: campaign.organizationVerifiedAt,
  };
}

export function updateBody(update: CampaignUpdate): z.infer<typeof updateResponse> {
  const photo = update.photo
    ? {
        contentType: update.photo.contentType,
        size: update.photo.size,
        sha256: update.photo.sha256,
        href: `/v1/campaigns/${update.campaignId}/updates/${update.id}/photo`,
      }
    : null;
  return {
    id: update.id,
    campaignId: update.campaignId,
    title: update.title,
    body: update.body,
    postedAt: update.postedAt,
    photo,
  };
}

export function auditBody(page: AuditPage<AuditAction>): z.infer<typeof auditResponse> {
  return presentAuditPage(page);
}
