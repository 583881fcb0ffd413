import type { KeyObject } from 'node:crypto';
import { apiKeyHash } from '@aid/contracts';
import { bearerToken, HttpProblem, isSessionToken, verifySessionToken } from '@aid/http-kit';
import type { Request } from 'express';
import type { AccessMember, MemberProjection } from './member-projection.ts';

/**
 * The member behind a credential: an API key by its hash, or a person's signed session token by the member it
 * names, who must still be a member and not have signed out everywhere since. Null for neither; a session token
 * that is forged, expired or not taken here is refused with its reason (401).
 */
export async function memberOfCredential(
  members: MemberProjection,
  credential: string,
  sessionKey: KeyObject | undefined,
): Promise<AccessMember | null> {
  if (isSessionToken(credential))
    return members.findBySession(await verifySessionToken(credential, sessionKey));
  return members.findByKeyHash(apiKeyHash(credential));
}

/** For routes: the caller from `Authorization: Bearer <credential>`, or a 401 problem that says why not. */
export function bearerMember(
  members: MemberProjection,
  sessionKey: KeyObject | undefined,
): (request: Request) => Promise<AccessMember> {
  return async (request) => {
    const credential = bearerToken(request);
    const member = await memberOfCredential(members, credential, sessionKey);
    if (member) return member;
    const detail = isSessionToken(credential)
      ? 'this session has ended: sign in again'
      : 'this API key is not known';
    throw new HttpProblem(401, 'unauthenticated', detail, { field: 'authorization' });
  };
}
