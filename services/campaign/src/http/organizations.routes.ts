import { defineRoute, HttpProblem } from '@aid/http-kit';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Locale } from '@aid/i18n';
import type { Actor } from '../domain/actor.ts';
import { addMember } from '../use-cases/add-member.ts';
import type { CampaignContext } from '../use-cases/context.ts';
import { revokeMember, rotateMemberKey } from '../use-cases/change-member.ts';
import { organizationAudit } from '../use-cases/read-audit.ts';
import { organizationForMember, publicOrganizationProfile } from '../use-cases/read-organization.ts';
import { readApprovalRule, setApprovalRule } from '../use-cases/change-approval-rule.ts';
import { registerOrganization } from '../use-cases/register-organization.ts';
import { signInUnavailable } from '../use-cases/sign-in.ts';
import {
  auditBody,
  campaignBody,
  memberBody,
  organizationBody,
  organizationRecordBody,
} from './presenters.ts';
import {
  addMemberBody,
  approvalRuleBody,
  auditQuery,
  auditResponse,
  memberParams,
  memberResponse,
  idParams,
  newMemberResponse,
  organizationProfileResponse,
  organizationResponse,
  problemResponse,
  registeredOrganizationResponse,
  registerOrganizationBody,
} from './schemas.ts';

const tag = 'Organizations';

export function organizationRoutes(
  context: CampaignContext,
  auth: { platformAdmin: (request: Request) => Promise<void>; member: (request: Request) => Promise<Actor> },
  /** Emails a member their invitation; null when this platform sends no email. */
  invitations:
    ((actor: Actor, organizationId: string, memberId: string, locale: Locale) => Promise<void>) | null = null,
) {
  return [
    defineRoute<z.infer<typeof registerOrganizationBody>, undefined, undefined, void>({
      method: 'post',
      path: '/v1/organizations',
      summary:
        'Register an organization and its first admin (platform administrator key); the admin key is shown once',
      tag,
      security: 'bearer',
      authenticate: auth.platformAdmin,
      body: registerOrganizationBody,
      responses: {
        201: { description: 'Registered', schema: registeredOrganizationResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not the platform administrator key', schema: problemResponse },
      },
      async handle({ body }) {
        const { organization, admin, apiKey } = await registerOrganization(context, body);
        return {
          status: 201,
          body: {
            ...organizationRecordBody(organization),
            apiKey,
            member: { id: admin.id, name: admin.name, role: admin.role },
          },
        };
      },
    }),
    defineRoute<z.infer<typeof addMemberBody>, z.infer<typeof idParams>, undefined, Actor>({
      method: 'post',
      path: '/v1/organizations/:id/members',
      summary: "Add a member with a role (an admin of this organization); the member's key is shown once",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      body: addMemberBody,
      responses: {
        201: { description: 'Added', schema: newMemberResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not an admin of this organization', schema: problemResponse },
        404: { description: 'No such organization', schema: problemResponse },
        409: { description: 'Email already a member', schema: problemResponse },
        503: {
          description: 'An invitation was asked for, and email is not set up on this platform',
          schema: problemResponse,
        },
      },
      async handle({ body, params, auth: actor }) {
        // Refused before anything is added: an invitation asked for must be one that can be sent, to someone.
        if (body.invite && body.email === undefined)
          throw new HttpProblem(
            400,
            'validation-failed',
            'an invitation needs the email address to send it to',
            { field: 'email' },
          );
        if (body.invite && !invitations) throw signInUnavailable('inviting by email');
        const { member, apiKey } = await addMember(context, actor, params.id, {
          name: body.name,
          email: body.email ?? null,
          role: body.role,
        });
        // The member exists either way; a mail server that fails now is reported, and the invitation can be sent again.
        const invitation =
          body.invite && invitations
            ? await invitations(actor, params.id, member.id, body.locale ?? 'en').then(
                () => 'sent' as const,
                () => 'failed' as const,
              )
            : 'not-asked';
        return { status: 201, body: { ...memberBody(member), apiKey, invitation } };
      },
    }),
    defineRoute<undefined, z.infer<typeof memberParams>, undefined, Actor>({
      method: 'post',
      path: '/v1/organizations/:id/members/:memberId/api-keys',
      summary:
        "Rotate a member's API key (an admin of this organization, or the member themself); the new key is shown once and the old one stops working everywhere within seconds",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: memberParams,
      responses: {
        201: { description: 'The member with the new key', schema: newMemberResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: {
          description: "Another organization, or another member's key without the admin role",
          schema: problemResponse,
        },
        404: { description: 'No such organization or member', schema: problemResponse },
        409: { description: 'The member changed meanwhile', schema: problemResponse },
      },
      async handle({ params, auth: actor }) {
        const { member, apiKey } = await rotateMemberKey(context, actor, params.id, params.memberId);
        return { status: 201, body: { ...memberBody(member), apiKey } };
      },
    }),
    defineRoute<undefined, z.infer<typeof memberParams>, undefined, Actor>({
      method: 'delete',
      path: '/v1/organizations/:id/members/:memberId',
      summary:
        'Remove a member (an admin of this organization, never the last admin); their key stops working everywhere within seconds',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: memberParams,
      responses: {
        200: { description: 'The removed member', schema: memberResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not an admin of this organization', schema: problemResponse },
        404: { description: 'No such organization or active member', schema: problemResponse },
        409: { description: 'The last admin, or the member changed meanwhile', schema: problemResponse },
      },
      async handle({ params, auth: actor }) {
        return { body: memberBody(await revokeMember(context, actor, params.id, params.memberId)) };
      },
    }),
    defineRoute<undefined, z.infer<typeof idParams>, z.infer<typeof auditQuery>, Actor>({
      method: 'get',
      path: '/v1/organizations/:id/audit',
      summary:
        "Who did what and when in the organization and its campaigns, newest first, paged (the organization's admins)",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      query: auditQuery,
      responses: {
        200: { description: 'A page of audit entries', schema: auditResponse },
        400: { description: 'Invalid query', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not an admin', schema: problemResponse },
        404: { description: 'No such organization, or not yours', schema: problemResponse },
      },
      async handle({ params, query, auth: actor }) {
        return { body: auditBody(await organizationAudit(context, actor, params.id, query)) };
      },
    }),
    defineRoute<undefined, z.infer<typeof idParams>, undefined, Actor>({
      method: 'get',
      path: '/v1/organizations/:id/settings',
      summary:
        "The organization's approval rule: how many approvers a disbursement at or above its campaign's threshold needs (members)",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      responses: {
        200: { description: 'The rule', schema: approvalRuleBody },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        404: { description: 'No such organization', schema: problemResponse },
      },
      handle: async ({ params, auth: actor }) => ({
        body: await readApprovalRule(context, actor, params.id),
      }),
    }),
    defineRoute<z.infer<typeof approvalRuleBody>, z.infer<typeof idParams>, undefined, Actor>({
      method: 'put',
      path: '/v1/organizations/:id/settings',
      summary:
        "Set the organization's approval rule: 2 to 10 different approvers for a disbursement at or above its campaign's threshold (an admin)",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      body: approvalRuleBody,
      responses: {
        200: { description: 'The rule as it now stands', schema: approvalRuleBody },
        400: { description: 'Invalid body', schema: problemResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        403: { description: 'Not an admin of this organization', schema: problemResponse },
        404: { description: 'No such organization', schema: problemResponse },
      },
      handle: async ({ params, body, auth: actor }) => ({
        body: await setApprovalRule(context, actor, params.id, body.approvalsAboveThreshold),
      }),
    }),
    defineRoute<undefined, z.infer<typeof idParams>, undefined, undefined>({
      method: 'get',
      path: '/v1/organizations/:id/profile',
      summary:
        'The public page of an organization: name, country, kind, registration, verification, since when, and its public campaigns (never members or drafts)',
      tag,
      params: idParams,
      responses: {
        200: {
          description: 'The organization and its public campaigns, newest first',
          schema: organizationProfileResponse,
        },
        404: { description: 'No such organization', schema: problemResponse },
      },
      async handle({ params }) {
        const { organization, campaigns } = await publicOrganizationProfile(context, params.id);
        return {
          body: {
            organization: organizationRecordBody(organization),
            campaigns: campaigns.map(campaignBody),
          },
        };
      },
    }),
    defineRoute<undefined, z.infer<typeof idParams>, undefined, Actor>({
      method: 'get',
      path: '/v1/organizations/:id',
      summary: 'An organization and its members (members of that organization only)',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: idParams,
      responses: {
        200: { description: 'The organization', schema: organizationResponse },
        401: { description: 'Missing or unknown key', schema: problemResponse },
        404: { description: 'No such organization, or not yours', schema: problemResponse },
      },
      async handle({ params, auth: actor }) {
        return { body: organizationBody(await organizationForMember(context, actor, params.id)) };
      },
    }),
  ];
}
