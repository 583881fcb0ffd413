import { defineRoute, type RouteRateLimit } from '@aid/http-kit';
import type { Request } from 'express';
import type { z } from 'zod';
import type { Locale } from '@aid/i18n';
import { requireAuthority, type Actor } from '../domain/actor.ts';
import { errors } from '../domain/errors.ts';
import { activeMembers } from '../domain/organization.ts';
import type { CampaignContext } from '../use-cases/context.ts';
import {
  endAllSessions,
  redeemSignInLink,
  requestSignInLink,
  sendInvitation,
  type SignInDeps,
} from '../use-cases/sign-in.ts';
import {
  invitationBody,
  memberParams,
  meResponse,
  problemResponse,
  sessionResponse,
  signInEmailBody,
  signInLinkBody,
} from './schemas.ts';

const tag = 'Sign-in';

/**
 * People's sign-in: a one-time link by email, then a session token every service takes as a bearer. The web
 * console calls these for the person, passing their address on (X-Forwarded-For) for the limits.
 */
export function signInRoutes(
  context: CampaignContext,
  deps: SignInDeps,
  auth: { member: (request: Request) => Promise<Actor> },
  limits: { signIn: RouteRateLimit[] },
) {
  return [
    defineRoute<z.infer<typeof signInEmailBody>>({
      method: 'post',
      path: '/v1/sign-in/email',
      summary:
        'Email a one-time sign-in link (15 minutes) to a member of any organization; the answer is the same whether or not the address is a member',
      tag,
      body: signInEmailBody,
      rateLimits: limits.signIn,
      responses: {
        202: { description: 'A link was sent if the address is an active member' },
        400: { description: 'Invalid body', schema: problemResponse },
        429: {
          description: 'Too many sign-in links asked for from this address or for this email',
          schema: problemResponse,
        },
        503: { description: 'Sign-in by email is not set up here', schema: problemResponse },
      },
      async handle({ body }) {
        await requestSignInLink(context, deps, { email: body.email, locale: body.locale ?? 'en' });
        return { status: 202, body: { status: 'sent-if-member' } };
      },
    }),
    defineRoute<z.infer<typeof signInLinkBody>>({
      method: 'post',
      path: '/v1/sign-in/link',
      summary: 'Use a sign-in link (once, before it expires) and start a session',
      tag,
      body: signInLinkBody,
      rateLimits: limits.signIn.slice(0, 1),
      responses: {
        201: { description: 'Signed in', schema: sessionResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: { description: 'Unknown link, or the member was removed', schema: problemResponse },
        409: { description: 'The link was already used', schema: problemResponse },
        410: { description: 'The link has expired', schema: problemResponse },
      },
      async handle({ body }) {
        return {
          status: 201,
          body: await redeemSignInLink(context, deps, body.token),
          headers: { 'cache-control': 'no-store' },
        };
      },
    }),
    defineRoute<undefined, undefined, undefined, Actor>({
      method: 'get',
      path: '/v1/me',
      summary:
        'Who the credential (session token or API key) belongs to, in which organization, with which role',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      responses: {
        200: { description: 'The member', schema: meResponse },
        401: { description: 'Unknown or ended credential', schema: problemResponse },
      },
      async handle({ auth: actor }) {
        const organization = await context.organizations.find(actor.organizationId);
        const member = organization
          ? activeMembers(organization).find((candidate) => candidate.id === actor.memberId)
          : undefined;
        if (!organization || !member) throw errors.sessionEnded();
        return {
          body: {
            member: { id: member.id, name: member.name, email: member.email, role: member.role },
            organization: { id: organization.id, name: organization.name },
          },
          headers: { 'cache-control': 'private, no-store' },
        };
      },
    }),
    defineRoute<undefined, undefined, undefined, Actor>({
      method: 'post',
      path: '/v1/me/sign-out-everywhere',
      summary:
        'End every session of this member, on every device and in every service (API keys keep working)',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      responses: {
        204: { description: 'Every session ended' },
        401: { description: 'Unknown or ended credential', schema: problemResponse },
      },
      async handle({ auth: actor }) {
        await endAllSessions(context, actor);
        return { status: 204 };
      },
    }),
    defineRoute<z.infer<typeof invitationBody>, z.infer<typeof memberParams>, undefined, Actor>({
      method: 'post',
      path: '/v1/organizations/:id/members/:memberId/invitations',
      summary:
        'Email a member a new invitation link (valid 7 days), for one who lost or never got theirs (an admin)',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      params: memberParams,
      body: invitationBody,
      responses: {
        202: { description: 'Sent' },
        401: { description: 'Missing or unknown credential', schema: problemResponse },
        403: { description: 'Not an admin of this organization', schema: problemResponse },
        404: { description: 'No such organization or active member', schema: problemResponse },
        503: { description: 'Email is not set up here', schema: problemResponse },
      },
      async handle({ params, body, auth: actor }) {
        await inviteMember(context, deps, actor, params.id, params.memberId, body.locale ?? 'en');
        return { status: 202, body: { status: 'sent' } };
      },
    }),
  ];
}

/** Sends a member of the admin's own organization their invitation link; the role check is the same as adding one. */
export async function inviteMember(
  context: CampaignContext,
  deps: SignInDeps,
  actor: Actor,
  organizationId: string,
  memberId: string,
  locale: Locale,
): Promise<void> {
  requireAuthority(actor, organizationId, ['admin'], 'inviting a member', 'this organization');
  const organization = await context.organizations.find(organizationId);
  if (!organization) throw errors.organizationNotFound(organizationId);
  const member = activeMembers(organization).find((candidate) => candidate.id === memberId);
  if (!member) throw errors.memberNotFound(memberId);
  const inviter =
    organization.members.find((candidate) => candidate.id === actor.memberId)?.name ?? organization.name;
  await sendInvitation(context, deps, { organization, member, inviter, locale });
}
