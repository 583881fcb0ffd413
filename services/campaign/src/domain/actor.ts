import type { MemberRole } from '@aid/contracts';
import { errors } from './errors.ts';

/** The member behind an API key: who acts, for which organization, with which role. */
export interface Actor {
  memberId: string;
  organizationId: string;
  organizationName: string;
  role: MemberRole;
}

export function requireRole(actor: Actor, roles: readonly MemberRole[], action: string): void {
  if (!roles.includes(actor.role)) throw errors.roleRequired(action, roles);
}

/**
 * Writes on another organization's resources answer 403, not 404: the caller is an authenticated member
 * naming an id someone shared with them (ids are UUIDv7 with 74 random bits, so they cannot be guessed), and
 * "not yours" tells them what to fix. Reads of what they may not see answer 404 instead (see `visibility.ts`),
 * so a listing or a link never confirms that a private draft or organization exists.
 */
export function requireOwnOrganization(actor: Actor, organizationId: string, what: string): void {
  if (actor.organizationId !== organizationId) throw errors.otherOrganization(what);
}

/** Both checks in the order a caller fixes them: first the right organization, then the right role. */
export function requireAuthority(
  actor: Actor,
  organizationId: string,
  roles: readonly MemberRole[],
  action: string,
  what: string,
): void {
  requireOwnOrganization(actor, organizationId, what);
  requireRole(actor, roles, action);
}
