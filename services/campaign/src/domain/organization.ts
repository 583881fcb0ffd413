import type { MemberRole, OrganizationKind } from '@aid/contracts';
import { requireAuthority, requireOwnOrganization, type Actor } from './actor.ts';
import { errors } from './errors.ts';

export interface Member {
  id: string;
  name: string;
  /** Lower-cased, so one person cannot join twice by changing case; null when the platform gave none. */
  email: string | null;
  role: MemberRole;
  apiKeyHash: string;
  /** 1 for the key given when the member joined, one more with every rotation. */
  keyRevision: number;
  createdAt: string;
  /** Set when an admin removed the member; their key hash is then one no key produces. */
  revokedAt: string | null;
  /** When the member last signed out everywhere: sessions started before it no longer work. */
  sessionsEndedAt: string | null;
}

/** A platform administrator vouched for the organization: directly, or by approving its application. */
export interface Verification {
  status: 'verified';
  verifiedAt: string;
  /** The application approved; null when the administrator registered the organization directly. */
  applicationId: string | null;
}

export interface Organization {
  id: string;
  name: string;
  country: string;
  kind: OrganizationKind;
  createdAt: string;
  members: Member[];
  /** Null while no administrator has vouched for it: such an organization cannot publish a campaign. */
  verification: Verification | null;
  /** How many different approvers a disbursement at or above its campaign's threshold needs (N of M). */
  approvalsAboveThreshold: number;
  /** As registered with its country's authority, and its website: public, so anyone can check who it is. */
  registrationNumber: string | null;
  website: string | null;
}

export interface RegisterOrganization {
  name: string;
  country: string;
  kind: OrganizationKind;
  admin?: { name?: string | undefined; email?: string | undefined } | undefined;
  /** Set when the organization comes from an approved application (and then its id, named by the decision). */
  applicationId?: string | undefined;
  registrationNumber?: string | undefined;
  website?: string | undefined;
  id?: string | undefined;
}

export interface NewMember {
  name: string;
  /** A person's address, where sign-in links go; none for an integration, which acts with its API key only. */
  email: string | null;
  role: MemberRole;
}

/** What a decision needs from outside: time, ids and key hashes, so decisions stay pure and repeatable in tests. */
export interface Provided {
  now: Date;
  newId: () => string;
  apiKeyHash: string;
}

export const defaultAdminName = 'Administrator';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A new organization always starts with one admin, so someone can add the others. It is verified from the start:
 * only the platform administrator registers organizations, either directly (vouching for it) or by approving
 * an application after reviewing it.
 */
export function registerOrganization(command: RegisterOrganization, provided: Provided): Organization {
  const createdAt = provided.now.toISOString();
  const email = command.admin?.email;
  const admin: Member = {
    id: provided.newId(),
    name: command.admin?.name ?? defaultAdminName,
    email: email === undefined ? null : normalizeEmail(email),
    role: 'admin',
    apiKeyHash: provided.apiKeyHash,
    keyRevision: 1,
    createdAt,
    revokedAt: null,
    sessionsEndedAt: null,
  };
  const verification: Verification = {
    status: 'verified',
    verifiedAt: createdAt,
    applicationId: command.applicationId ?? null,
  };
  return {
    id: command.id ?? provided.newId(),
    name: command.name,
    country: command.country,
    kind: command.kind,
    createdAt,
    members: [admin],
    verification,
    approvalsAboveThreshold: defaultApprovalsAboveThreshold,
    registrationNumber: command.registrationNumber ?? null,
    website: command.website ?? null,
  };
}

export function addMember(
  organization: Organization,
  actor: Actor,
  command: NewMember,
  provided: Provided,
): Member {
  requireAuthority(actor, organization.id, ['admin'], 'adding a member', 'this organization');
  const email = command.email === null ? null : normalizeEmail(command.email);
  if (email !== null && organization.members.some((member) => member.email === email))
    throw errors.emailTaken(email);
  return {
    id: provided.newId(),
    name: command.name,
    email,
    role: command.role,
    apiKeyHash: provided.apiKeyHash,
    keyRevision: 1,
    createdAt: provided.now.toISOString(),
    revokedAt: null,
    sessionsEndedAt: null,
  };
}

export function activeMembers(organization: Organization): Member[] {
  return organization.members.filter((member) => member.revokedAt === null);
}

function activeMember(organization: Organization, memberId: string): Member {
  const member = activeMembers(organization).find((candidate) => candidate.id === memberId);
  if (!member) throw errors.memberNotFound(memberId);
  return member;
}

/**
 * A new key for a member, asked by an org admin or by the member themself; the old key stops working as soon
 * as this is saved (no grace period), here and, through the event, in every other service.
 */
export function rotateKey(
  organization: Organization,
  actor: Actor,
  memberId: string,
  apiKeyHash: string,
): Member {
  requireOwnOrganization(actor, organization.id, 'this organization');
  if (actor.role !== 'admin' && actor.memberId !== memberId)
    throw errors.roleRequired("rotating another member's key", ['admin']);
  const member = activeMember(organization, memberId);
  return { ...member, apiKeyHash, keyRevision: member.keyRevision + 1 };
}

/** Only an admin removes a member, and never the last admin: someone must be able to manage the organization. */
export function revokeMember(organization: Organization, actor: Actor, memberId: string, now: Date): Member {
  requireAuthority(actor, organization.id, ['admin'], 'removing a member', 'this organization');
  const member = activeMember(organization, memberId);
  const admins = activeMembers(organization).filter((candidate) => candidate.role === 'admin');
  if (member.role === 'admin' && admins.length === 1) throw errors.lastAdmin();
  return { ...member, apiKeyHash: `revoked:${member.id}`, revokedAt: now.toISOString() };
}

/** Members see their own organization; to everyone else it does not exist. */
export function canReadOrganization(organization: Organization, viewer: Actor): boolean {
  return viewer.organizationId === organization.id;
}

/** Publishing is the promise to donors that a vetted organization stands behind the campaign. */
/** Two approvers above a campaign's threshold unless the organization asks for more. */
export const defaultApprovalsAboveThreshold = 2;

/** Only an admin sets the organization's approval rule (how many approvers above a campaign's threshold). */
export function changeApprovalRule(
  organization: Organization,
  actor: Actor,
  approvalsAboveThreshold: number,
): number | null {
  requireAuthority(
    actor,
    organization.id,
    ['admin'],
    "changing the organization's approval rule",
    'this organization',
  );
  return approvalsAboveThreshold === organization.approvalsAboveThreshold ? null : approvalsAboveThreshold;
}

export function requireVerified(organization: Pick<Organization, 'verification'>): Verification {
  if (organization.verification === null) throw errors.organizationNotVerified();
  return organization.verification;
}
