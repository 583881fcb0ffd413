import { createHash, randomBytes } from 'node:crypto';
import { errors } from './errors.ts';
import type { Member } from './organization.ts';

/** A link asked for at the sign-in page is used at once or not at all; an invitation waits for its person. */
export const signInLinkLifetimeMs = 15 * 60_000;
export const invitationLifetimeMs = 7 * 24 * 60 * 60_000;
/** However active, a session ends after this: the person signs in again. */
export const sessionLifetimeMs = 12 * 60 * 60_000;

export type SignInLinkPurpose = 'sign-in' | 'invitation';

/** One use of a one-time sign-in link, stored by the hash of its secret: the secret itself is only in the email. */
export interface SignInLink {
  tokenHash: string;
  organizationId: string;
  memberId: string;
  purpose: SignInLinkPurpose;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export function signInTokenHash(token: string): string {
  return createHash('sha256').update(`sign-in:${token}`).digest('base64url');
}

/** 256 random bits: the link is the credential until it is used, so it must not be guessable. */
export function newSignInLink(
  member: { organizationId: string; memberId: string },
  purpose: SignInLinkPurpose,
  now: Date,
): { token: string; link: SignInLink } {
  const token = randomBytes(32).toString('base64url');
  const lifetime = purpose === 'invitation' ? invitationLifetimeMs : signInLinkLifetimeMs;
  return {
    token,
    link: {
      tokenHash: signInTokenHash(token),
      organizationId: member.organizationId,
      memberId: member.memberId,
      purpose,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + lifetime).toISOString(),
      usedAt: null,
    },
  };
}

/** Why a link cannot sign anyone in, in the order a person would want to hear it. */
export function refuseLink(link: SignInLink | null, now: Date): void {
  if (!link) throw errors.signInLinkUnknown();
  if (link.usedAt !== null) throw errors.signInLinkUsed();
  if (Date.parse(link.expiresAt) <= now.getTime()) throw errors.signInLinkExpired();
}

/**
 * Whether a session started at `issuedAt` still stands for this member: they must be active, and not have
 * ended all their sessions since (sign-out everywhere). Both come from the member, so every service decides
 * the same way from its own copy.
 */
export function sessionStands(
  member: Pick<Member, 'revokedAt' | 'sessionsEndedAt'>,
  issuedAt: Date,
): boolean {
  if (member.revokedAt !== null) return false;
  return member.sessionsEndedAt === null || issuedAt.getTime() > Date.parse(member.sessionsEndedAt);
}
