import type { KeyObject } from 'node:crypto';
import type { Locale } from '@aid/i18n';
import { HttpProblem, signSessionToken } from '@aid/http-kit';
import type { Mailer } from '@aid/runtime';
import type { Logger } from '@aid/telemetry';
import type { Actor } from '../domain/actor.ts';
import { auditEntry } from '../domain/audit.ts';
import { errors } from '../domain/errors.ts';
import { activeMembers, normalizeEmail, type Member, type Organization } from '../domain/organization.ts';
import {
  newSignInLink,
  refuseLink,
  sessionLifetimeMs,
  signInTokenHash,
  type SignInLinkPurpose,
} from '../domain/sign-in.ts';
import { invitationMail, signInMail } from '../email/sign-in-mail.ts';
import { memberSessionsEndedMessage } from '../events/campaign-events.ts';
import type { SignInStore } from '../store/sign-in.store.ts';
import type { CampaignContext } from './context.ts';

/** What signing people in needs beyond the campaign context; each part missing turns a way of signing in off. */
export interface SignInDeps {
  signIn: SignInStore;
  /** Without it, no sign-in links or invitations can be sent. */
  mailer: Mailer | null;
  /** The web console's address: links in emails point at its sign-in page. */
  consoleUrl: string;
  /** Without it, nobody can sign in (services then take API keys only). */
  sessionKey: KeyObject | null;
  logger: Logger;
}

/** Not the caller's doing but this platform's set-up (no mail server, no signing key): 503, said plainly. */
export function signInUnavailable(what: string): HttpProblem {
  return new HttpProblem(503, 'sign-in-unavailable', `${what} is not set up on this platform`);
}

export interface StartedSession {
  sessionToken: string;
  expiresAt: string;
  member: { id: string; name: string; email: string | null; role: Member['role'] };
  organization: { id: string; name: string };
}

function linkUrl(deps: SignInDeps, token: string): string {
  // The secret travels in the fragment-free query of a page that only shows a button: mail scanners that
  // fetch links do not use it up; the person's click posts it.
  return `${deps.consoleUrl.replace(/\/$/, '')}/console/sign-in/link?token=${encodeURIComponent(token)}`;
}

async function issueLink(
  deps: SignInDeps,
  now: Date,
  organizationId: string,
  memberId: string,
  purpose: SignInLinkPurpose,
): Promise<{ url: string; expiresAt: Date }> {
  const { token, link } = newSignInLink({ organizationId, memberId }, purpose, now);
  await deps.signIn.insert(link);
  return { url: linkUrl(deps, token), expiresAt: new Date(link.expiresAt) };
}

/**
 * Emails a sign-in link for every organization the address is an active member of. The answer never says
 * whether the address is known (the caller always hears "sent if it is a member"), so the form cannot be used to
 * find out who works where.
 */
export async function requestSignInLink(
  context: CampaignContext,
  deps: SignInDeps,
  request: { email: string; locale: Locale },
): Promise<void> {
  if (!deps.mailer) throw signInUnavailable('sign-in by email');
  if (!deps.sessionKey) throw signInUnavailable('sign-in');
  const email = normalizeEmail(request.email);
  const now = context.now();
  const organizations = (
    await Promise.all((await deps.signIn.organizationsOf(email)).map((id) => context.organizations.find(id)))
  ).filter((organization): organization is Organization => organization !== null);
  const links: { organizationName: string; url: string }[] = [];
  for (const organization of organizations) {
    const member = activeMembers(organization).find((candidate) => candidate.email === email);
    if (member)
      links.push({
        organizationName: organization.name,
        url: (await issueLink(deps, now, organization.id, member.id, 'sign-in')).url,
      });
  }
  if (links.length === 0) {
    deps.logger.info('sign-in link asked for an address that is no active member');
    return;
  }
  await deps.mailer.send(signInMail({ to: email, locale: request.locale, links }));
}

/** An invitation for a member just added: a link that signs them in the first time, valid for days. */
export async function sendInvitation(
  context: CampaignContext,
  deps: SignInDeps,
  invitation: {
    organization: Pick<Organization, 'id' | 'name'>;
    member: Member;
    inviter: string;
    locale: Locale;
  },
): Promise<void> {
  if (!deps.mailer) throw signInUnavailable('inviting by email');
  if (!invitation.member.email) return;
  const { url, expiresAt } = await issueLink(
    deps,
    context.now(),
    invitation.organization.id,
    invitation.member.id,
    'invitation',
  );
  await deps.mailer.send(
    invitationMail({
      to: invitation.member.email,
      locale: invitation.locale,
      inviter: invitation.inviter,
      organizationName: invitation.organization.name,
      role: invitation.member.role,
      url,
      expiresAt,
    }),
  );
}

/** A session for a member who proved who they are (a link from their mailbox, a passkey). */
export async function startSession(
  context: CampaignContext,
  deps: SignInDeps,
  organizationId: string,
  memberId: string,
): Promise<StartedSession> {
  if (!deps.sessionKey) throw signInUnavailable('sign-in');
  const organization = await context.organizations.find(organizationId);
  const member = organization
    ? activeMembers(organization).find((candidate) => candidate.id === memberId)
    : undefined;
  // Removed between the link being sent and used: the link dies with the membership.
  if (!organization || !member) throw errors.sessionEnded();
  const issuedAt = context.now();
  const expiresAt = new Date(issuedAt.getTime() + sessionLifetimeMs);
  const sessionToken = await signSessionToken(
    { sessionId: context.newId(), memberId: member.id, organizationId: organization.id, issuedAt, expiresAt },
    deps.sessionKey,
  );
  return {
    sessionToken,
    expiresAt: expiresAt.toISOString(),
    member: { id: member.id, name: member.name, email: member.email, role: member.role },
    organization: { id: organization.id, name: organization.name },
  };
}

/** Uses a sign-in link up (once, before it expires) and starts the member's session. */
export async function redeemSignInLink(
  context: CampaignContext,
  deps: SignInDeps,
  token: string,
): Promise<StartedSession> {
  const now = context.now();
  const outcome = await deps.signIn.redeem(signInTokenHash(token), now);
  if (!outcome.redeemed) {
    refuseLink(outcome.link, now);
    // A link that is neither used nor expired but was not redeemed expired between the write and the read.
    throw errors.signInLinkExpired();
  }
  return startSession(context, deps, outcome.link.organizationId, outcome.link.memberId);
}

/**
 * Sign out everywhere: every session the member started until now stops working, in this service at once and
 * in the others as soon as they read the event. API keys are not sessions and keep working.
 */
export async function endAllSessions(context: CampaignContext, actor: Actor): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const organization = await context.organizations.find(actor.organizationId);
    const member = organization
      ? activeMembers(organization).find((candidate) => candidate.id === actor.memberId)
      : undefined;
    if (!organization || !member) throw errors.sessionEnded();
    const now = context.now();
    const ended: Member = { ...member, sessionsEndedAt: now.toISOString() };
    const audit = auditEntry(
      context.newId(),
      'member.signed-out-everywhere',
      actor.memberId,
      member.id,
      now,
      {},
    );
    if (
      await context.organizations.replaceMember(
        organization.id,
        ended,
        member.apiKeyHash,
        [memberSessionsEndedMessage(organization.id, ended, now)],
        audit,
      )
    ) {
      context.outboxQueued();
      return;
    }
  }
  throw errors.concurrentChange();
}
