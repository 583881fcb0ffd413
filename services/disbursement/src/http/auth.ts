import type { KeyObject } from 'node:crypto';
import { apiKeyHash } from '@aid/contracts';
import { bearerToken, HttpProblem, isSessionToken, verifySessionToken } from '@aid/http-kit';
import type { Request } from 'express';
import type { Member } from '../domain/disbursement.ts';
import type { MemberStore } from '../store/members.store.ts';

/**
 * Resolves the caller from `Authorization: Bearer <credential>` through the member projection: an API key by its
 * hash (keys are stored hashed), or a person's signed session token by the member it names, who must still be a
 * member and not have signed out everywhere since.
 */
export function memberAuthenticator(members: MemberStore, sessionKey?: KeyObject): (request: Request) => Promise<Member> {
  return async (request) => {
    const token = bearerToken(request);
    if (isSessionToken(token)) {
      const member = await members.findBySession(await verifySessionToken(token, sessionKey));
      if (!member) throw new HttpProblem(401, 'unauthenticated', 'this session has ended: sign in again', { field: 'authorization' });
      return member;
    }
    const member = await members.findByKeyHash(apiKeyHash(token));
    if (!member) throw new HttpProblem(401, 'unauthenticated', 'this API key is not known', { field: 'authorization' });
    return member;
  };
}
