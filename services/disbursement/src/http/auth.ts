import { apiKeyHash } from '@aid/contracts';
import { bearerToken, HttpProblem } from '@aid/http-kit';
import type { Request } from 'express';
import type { Member } from '../domain/disbursement.ts';
import type { MemberStore } from '../store/members.store.ts';

/** Resolves the caller from `Authorization: Bearer <key>` through the member projection (keys are stored hashed). */
export function memberAuthenticator(members: MemberStore): (request: Request) => Promise<Member> {
  return async (request) => {
    const member = await members.findByKeyHash(apiKeyHash(bearerToken(request)));
    if (!member) throw new HttpProblem(401, 'unauthenticated', 'this API key is not known', { field: 'authorization' });
    return member;
  };
}
