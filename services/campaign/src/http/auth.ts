import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import { apiKeyHash } from '@aid/contracts';
import { bearerToken, isSessionToken, verifySessionToken } from '@aid/http-kit';
import type { Request } from 'express';
import type { Actor } from '../domain/actor.ts';
import { errors } from '../domain/errors.ts';
import { sessionStands } from '../domain/sign-in.ts';
import type { OrganizationStore } from '../store/organizations.store.ts';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Only the platform administrator registers organizations. Both sides are hashed first so the comparison is
 * constant-time whatever the lengths (timingSafeEqual needs equal lengths, and a length check would leak).
 */
export function platformAdminAuthenticator(platformAdminKey: string, organizations: OrganizationStore) {
  const expected = digest(platformAdminKey);
  return async (request: Request): Promise<void> => {
    const key = bearerToken(request);
    if (timingSafeEqual(digest(key), expected)) return;
    if (await organizations.actorByKeyHash(apiKeyHash(key))) {
      throw errors.platformAdminRequired();
    }
    throw errors.unauthenticated('the key is not the platform administrator key');
  };
}

export type MemberAuthenticator = (request: Request) => Promise<Actor>;

/**
 * The caller behind `Authorization: Bearer`: an API key by its hash, or a person's session token (signed by this
 * service at sign-in) by the member it names, who must still be active and not have signed out everywhere since.
 */
export function memberAuthenticator(
  organizations: OrganizationStore,
  sessionKey?: KeyObject,
): MemberAuthenticator {
  return async (request) => {
    const token = bearerToken(request);
    if (isSessionToken(token)) {
      const claims = await verifySessionToken(token, sessionKey);
      const organization = await organizations.find(claims.organizationId);
      const member = organization?.members.find((candidate) => candidate.id === claims.memberId);
      if (!organization || !member || !sessionStands(member, claims.issuedAt)) throw errors.sessionEnded();
      return {
        memberId: member.id,
        organizationId: organization.id,
        organizationName: organization.name,
        role: member.role,
      };
    }
    const actor = await organizations.actorByKeyHash(apiKeyHash(token));
    if (!actor) throw errors.unauthenticated();
    return actor;
  };
}

/** Public reads: anonymous is fine, but a key that is sent must be valid, so a typo is reported, not ignored. */
export function optionalMember(authenticate: MemberAuthenticator) {
  return async (request: Request): Promise<Actor | undefined> =>
    request.headers.authorization === undefined ? undefined : authenticate(request);
}
