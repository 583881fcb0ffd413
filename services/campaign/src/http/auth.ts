import { createHash, timingSafeEqual } from 'node:crypto';
import { apiKeyHash } from '@aid/contracts';
import { bearerToken } from '@aid/http-kit';
import type { Request } from 'express';
import type { Actor } from '../domain/actor.ts';
import { errors } from '../domain/errors.ts';
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

export function memberAuthenticator(organizations: OrganizationStore): MemberAuthenticator {
  return async (request) => {
    const actor = await organizations.actorByKeyHash(apiKeyHash(bearerToken(request)));
    if (!actor) throw errors.unauthenticated();
    return actor;
  };
}

/** Public reads: anonymous is fine, but a key that is sent must be valid, so a typo is reported, not ignored. */
export function optionalMember(authenticate: MemberAuthenticator) {
  return async (request: Request): Promise<Actor | undefined> =>
    request.headers.authorization === undefined ? undefined : authenticate(request);
}
