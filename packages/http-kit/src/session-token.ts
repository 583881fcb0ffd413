import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { HttpProblem } from './problem.ts';

/**
 * People sign in (by an emailed link or a passkey) and get a session token: a JWT signed with Ed25519 by the
 * campaign service, which keeps the organizations and their members. Every service checks the signature with
 * the public key alone, then asks its own copy of the member whether they still hold their role, so a token
 * needs no lookup of its own and a removed member or "sign out everywhere" takes effect through the member.
 * API keys stay for machines; a service tells the two apart by the prefix.
 */
export const sessionTokenPrefix = 'aid_s.';
const issuer = 'diaspora-aid/campaign';
const audience = 'diaspora-aid/services';

export interface SessionClaims {
  sessionId: string;
  memberId: string;
  organizationId: string;
  issuedAt: Date;
  expiresAt: Date;
}

// PKCS#8 and SPKI wrappings of raw Ed25519 keys (RFC 8410): a fixed prefix, then the 32 bytes.
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

export function sessionSigningKey(seed: Buffer): KeyObject {
  if (seed.length !== 32) throw new Error('a session signing key is a 32-byte Ed25519 seed');
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: 'der', type: 'pkcs8' });
}

export function sessionVerifyKey(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error('a session verification key is a 32-byte Ed25519 public key');
  return createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: 'der', type: 'spki' });
}

/** The raw 32-byte public key of a signing seed, as other services are configured with it. */
export function rawSessionVerifyKey(seed: Buffer): Buffer {
  return createPublicKey(sessionSigningKey(seed))
    .export({ format: 'der', type: 'spki' })
    .subarray(spkiPrefix.length);
}

export function isSessionToken(token: string): boolean {
  return token.startsWith(sessionTokenPrefix);
}

export async function signSessionToken(claims: SessionClaims, key: KeyObject): Promise<string> {
  const jwt = await new SignJWT({ org: claims.organizationId })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(claims.memberId)
    .setJti(claims.sessionId)
    .setIssuedAt(Math.floor(claims.issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(key);
  return `${sessionTokenPrefix}${jwt}`;
}

const refused = (detail: string) =>
  new HttpProblem(401, 'unauthenticated', detail, { field: 'authorization' });

/** The claims of a valid, unexpired token, or a 401 problem that says why it is refused. */
export async function verifySessionToken(
  token: string,
  key: KeyObject | undefined,
  now: Date = new Date(),
): Promise<SessionClaims> {
  if (!key) throw refused('this service takes API keys only: sign-in sessions are not configured');
  try {
    const { payload } = await jwtVerify(token.slice(sessionTokenPrefix.length), key, {
      issuer,
      audience,
      algorithms: ['EdDSA'],
      currentDate: now,
    });
    const { sub, jti, iat, exp, org } = payload;
    if (
      typeof sub !== 'string' ||
      typeof jti !== 'string' ||
      typeof org !== 'string' ||
      typeof iat !== 'number' ||
      typeof exp !== 'number'
    ) {
      throw refused('the session token lacks who it is for');
    }
    return {
      sessionId: jti,
      memberId: sub,
      organizationId: org,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date(exp * 1000),
    };
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    if (error instanceof joseErrors.JWTExpired) throw refused('the session has expired: sign in again');
    throw refused('the session token is not valid');
  }
}
