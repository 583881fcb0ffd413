import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from './problem.ts';
import {
  isSessionToken,
  rawSessionVerifyKey,
  sessionSigningKey,
  sessionVerifyKey,
  signSessionToken,
  verifySessionToken,
} from './session-token.ts';

const seed = randomBytes(32);
const signing = sessionSigningKey(seed);
const verifying = sessionVerifyKey(rawSessionVerifyKey(seed));
const issuedAt = new Date('2026-12-05T10:00:00Z');
const claims = {
  sessionId: 's1',
  memberId: 'm1',
  organizationId: 'o1',
  issuedAt,
  expiresAt: new Date('2026-12-05T22:00:00Z'),
};

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HttpProblem);
  expect((error as HttpProblem).status).toBe(401);
  return (error as HttpProblem).message;
}

describe('session tokens', () => {
  it('when a token is signed, then the public key alone verifies it and gives back who it is for', async () => {
    const token = await signSessionToken(claims, signing);
    expect(isSessionToken(token)).toBe(true);
    expect(await verifySessionToken(token, verifying, new Date('2026-12-05T12:00:00Z'))).toEqual(claims);
  });

  it('when a token has expired, then it is refused with a reason to sign in again', async () => {
    const token = await signSessionToken(claims, signing);
    expect(await refusal(verifySessionToken(token, verifying, new Date('2026-12-05T22:00:01Z')))).toMatch(
      /expired/,
    );
  });

  it('when a token was signed by another key or changed, then it is refused', async () => {
    const other = await signSessionToken(claims, sessionSigningKey(randomBytes(32)));
    expect(await refusal(verifySessionToken(other, verifying, issuedAt))).toMatch(/not valid/);
    const token = await signSessionToken(claims, signing);
    const [head, , signature] = token.split('.').slice(1);
    const forged = `aid_s.${head}.${Buffer.from(JSON.stringify({ sub: 'admin', org: 'o2', jti: 's1', iat: 1, exp: 9e9 })).toString('base64url')}.${signature}`;
    expect(await refusal(verifySessionToken(forged, verifying, issuedAt))).toMatch(/not valid/);
  });

  it('when a service has no verification key, then it says sessions are not configured', async () => {
    const token = await signSessionToken(claims, signing);
    expect(await refusal(verifySessionToken(token, undefined, issuedAt))).toMatch(/not configured/);
  });
});
