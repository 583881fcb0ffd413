import type { MemberRole, OrganizationKind } from '@aid/contracts';
import { requireAuthority, type Actor } from './actor.ts';
import { errors } from './errors.ts';

export interface Member {
  id: string;
  name: string;
  /** Lower-cased, so one person cannot join twice by changing case; null when the platform gave none. */
  email: string | null;
  role: MemberRole;
  apiKeyHash: string;
  createdAt: string;
}

export interface Organization {
  id: string;
  name: string;
  country: string;
  kind: OrganizationKind;
  createdAt: string;
  members: Member[];
}

export interface RegisterOrganization {
  name: string;
  country: string;
  kind: OrganizationKind;
  admin?: { name?: string | undefined; email?: string | undefined } | undefined;
}

export interface NewMember {
  name: string;
  email: string;
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

/** A new organization always starts with one admin, so someone can add the others. */
export function registerOrganization(command: RegisterOrganization, provided: Provided): Organization {
  const createdAt = provided.now.toISOString();
  const email = command.admin?.email;
  const admin: Member = {
    id: provided.newId(),
    name: command.admin?.name ?? defaultAdminName,
    email: email === undefined ? null : normalizeEmail(email),
    role: 'admin',
    apiKeyHash: provided.apiKeyHash,
    createdAt,
  };
  return { id: provided.newId(), name: command.name, country: command.country, kind: command.kind, createdAt, members: [admin] };
}

export function addMember(organization: Organization, actor: Actor, command: NewMember, provided: Provided): Member {
  requireAuthority(actor, organization.id, ['admin'], 'adding a member', 'this organization');
  const email = normalizeEmail(command.email);
  if (organization.members.some((member) => member.email === email)) throw errors.emailTaken(email);
  return {
    id: provided.newId(),
    name: command.name,
    email,
    role: command.role,
    apiKeyHash: provided.apiKeyHash,
    createdAt: provided.now.toISOString(),
  };
}

/** Members see their own organization; to everyone else it does not exist. */
export function canReadOrganization(organization: Organization, viewer: Actor): boolean {
  return viewer.organizationId === organization.id;
}
