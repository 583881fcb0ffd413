import { randomBytes } from 'node:crypto';
import { HttpProblem } from '@aid/http-kit';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Actor } from '../domain/actor.ts';
import { errors } from '../domain/errors.ts';
import { activeMembers } from '../domain/organization.ts';
import type { PasskeyStore, StoredPasskey } from '../store/passkeys.store.ts';
import type { CampaignContext } from './context.ts';
import { startSession, type SignInDeps, type StartedSession } from './sign-in.ts';

/** A ceremony is a person at a prompt: five minutes, then the challenge is refused. */
const challengeLifetimeMs = 5 * 60_000;

/** The site people's passkeys are bound to: the console's host name (the RP ID) and exact origin. */
export interface PasskeyDeps {
  passkeys: PasskeyStore;
  rpName: string;
  rpId: string;
  origin: string;
}

const refused = (detail: string) => new HttpProblem(401, 'passkey-refused', detail, { field: 'response' });

async function issueChallenge(
  context: CampaignContext,
  deps: PasskeyDeps,
  challenge: string,
  purpose: 'register' | 'sign-in',
  actor: Actor | null,
): Promise<string> {
  const id = randomBytes(18).toString('base64url');
  await deps.passkeys.addChallenge({
    id,
    challenge,
    purpose,
    memberId: actor?.memberId ?? null,
    organizationId: actor?.organizationId ?? null,
    expiresAt: new Date(context.now().getTime() + challengeLifetimeMs).toISOString(),
  });
  return id;
}

/** Options for adding a passkey to the signed-in member: discoverable, so signing in later needs no email. */
export async function passkeyRegistrationOptions(
  context: CampaignContext,
  deps: PasskeyDeps,
  actor: Actor,
): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const organization = await context.organizations.find(actor.organizationId);
  const member = organization
    ? activeMembers(organization).find((candidate) => candidate.id === actor.memberId)
    : undefined;
  if (!organization || !member) throw errors.sessionEnded();
  const existing = await deps.passkeys.ofMember(member.id);
  const options = await generateRegistrationOptions({
    rpName: deps.rpName,
    rpID: deps.rpId,
    userName: member.email ?? member.name,
    userDisplayName: `${member.name} (${organization.name})`,
    userID: new TextEncoder().encode(member.id),
    attestationType: 'none',
    excludeCredentials: existing.map((passkey) => ({ id: passkey.id, transports: passkey.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  return { challengeId: await issueChallenge(context, deps, options.challenge, 'register', actor), options };
}

export async function registerPasskey(
  context: CampaignContext,
  deps: PasskeyDeps,
  actor: Actor,
  challengeId: string,
  response: RegistrationResponseJSON,
): Promise<StoredPasskey> {
  const now = context.now();
  const challenge = await deps.passkeys.takeChallenge(challengeId, 'register', now);
  if (!challenge || challenge.memberId !== actor.memberId)
    throw refused('this passkey prompt expired or was already answered: start again');
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: deps.origin,
    expectedRPID: deps.rpId,
  }).catch((error: unknown) => {
    throw refused(`the passkey could not be checked: ${(error as Error).message}`);
  });
  if (!verification.verified) throw refused('the passkey could not be checked');
  const { credential } = verification.registrationInfo;
  const passkey: StoredPasskey = {
    id: credential.id,
    memberId: actor.memberId,
    organizationId: actor.organizationId,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: credential.transports ?? [],
    createdAt: now.toISOString(),
    lastUsedAt: null,
  };
  await deps.passkeys.add(passkey);
  return passkey;
}

/** Options for signing in with any passkey of this site: the passkey chosen says whose it is. */
export async function passkeySignInOptions(
  context: CampaignContext,
  deps: PasskeyDeps,
): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const options = await generateAuthenticationOptions({ rpID: deps.rpId, userVerification: 'preferred' });
  return { challengeId: await issueChallenge(context, deps, options.challenge, 'sign-in', null), options };
}

export async function signInWithPasskey(
  context: CampaignContext,
  deps: PasskeyDeps,
  signIn: SignInDeps,
  challengeId: string,
  response: AuthenticationResponseJSON,
): Promise<StartedSession> {
  const now = context.now();
  const challenge = await deps.passkeys.takeChallenge(challengeId, 'sign-in', now);
  if (!challenge) throw refused('this passkey prompt expired or was already answered: start again');
  const passkey = await deps.passkeys.find(response.id);
  if (!passkey) throw refused('this passkey is not known here: sign in by email and add it again');
  const verification = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: deps.origin,
    expectedRPID: deps.rpId,
    credential: {
      id: passkey.id,
      publicKey: Buffer.from(passkey.publicKey, 'base64url'),
      counter: passkey.counter,
      transports: passkey.transports,
    },
  }).catch((error: unknown) => {
    throw refused(`the passkey could not be checked: ${(error as Error).message}`);
  });
  if (!verification.verified) throw refused('the passkey could not be checked');
  if (
    !(await deps.passkeys.used(passkey.id, passkey.counter, verification.authenticationInfo.newCounter, now))
  )
    throw refused('this passkey was used twice at once: try again');
  // A removed member's passkey signs nobody in: the session starts only for an active member.
  return startSession(context, signIn, passkey.organizationId, passkey.memberId);
}
