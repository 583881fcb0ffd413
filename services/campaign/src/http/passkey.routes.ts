import { defineRoute, type RouteRateLimit } from '@aid/http-kit';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Request } from 'express';
import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import type { CampaignContext } from '../use-cases/context.ts';
import {
  passkeyRegistrationOptions,
  passkeySignInOptions,
  registerPasskey,
  signInWithPasskey,
  type PasskeyDeps,
} from '../use-cases/passkeys.ts';
import type { SignInDeps } from '../use-cases/sign-in.ts';
import { problemResponse, sessionResponse } from './schemas.ts';

const tag = 'Sign-in';

// What a browser's WebAuthn call returns, as JSON; the library checks every part that matters cryptographically.
const credentialJson = z.looseObject({
  id: z.string().min(1).max(1_400),
  rawId: z.string().min(1).max(1_400),
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: z.string().max(10_000) }),
  clientExtensionResults: z.looseObject({}).default({}),
});
const ceremonyBody = z.object({ challengeId: z.string().min(10).max(100), response: credentialJson });
const optionsResponse = z.object({
  challengeId: z.string(),
  options: z.looseObject({ challenge: z.string() }),
});
const passkeyResponse = z.object({
  id: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});

/** Passkeys: added by a signed-in member, then a way to sign in with no email at all. */
export function passkeyRoutes(
  context: CampaignContext,
  deps: PasskeyDeps,
  signIn: SignInDeps,
  auth: { member: (request: Request) => Promise<Actor> },
  limits: { signIn: RouteRateLimit[] },
) {
  const present = (passkey: { id: string; createdAt: string; lastUsedAt: string | null }) => ({
    id: passkey.id,
    createdAt: passkey.createdAt,
    lastUsedAt: passkey.lastUsedAt,
  });
  return [
    defineRoute<undefined, undefined, undefined, Actor>({
      method: 'post',
      path: '/v1/me/passkeys/options',
      summary: 'Start adding a passkey to your account: the options for navigator.credentials.create()',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      responses: {
        200: { description: 'The challenge and options', schema: optionsResponse },
        401: { description: 'Unknown or ended credential', schema: problemResponse },
      },
      handle: async ({ auth: actor }) => ({
        body: await passkeyRegistrationOptions(context, deps, actor),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    defineRoute<z.infer<typeof ceremonyBody>, undefined, undefined, Actor>({
      method: 'post',
      path: '/v1/me/passkeys',
      summary: "Add the passkey the browser created for the options' challenge",
      tag,
      security: 'bearer',
      authenticate: auth.member,
      body: ceremonyBody,
      responses: {
        201: { description: 'Added', schema: passkeyResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: {
          description: 'Unknown credential, or the passkey or its challenge did not check out',
          schema: problemResponse,
        },
      },
      handle: async ({ body, auth: actor }) => ({
        status: 201,
        body: present(
          await registerPasskey(
            context,
            deps,
            actor,
            body.challengeId,
            body.response as unknown as RegistrationResponseJSON,
          ),
        ),
      }),
    }),
    defineRoute<undefined, undefined, undefined, Actor>({
      method: 'get',
      path: '/v1/me/passkeys',
      summary: 'Your passkeys',
      tag,
      security: 'bearer',
      authenticate: auth.member,
      responses: {
        200: { description: 'The passkeys', schema: z.object({ passkeys: z.array(passkeyResponse) }) },
        401: { description: 'Unknown or ended credential', schema: problemResponse },
      },
      handle: async ({ auth: actor }) => ({
        body: { passkeys: (await deps.passkeys.ofMember(actor.memberId)).map(present) },
        headers: { 'cache-control': 'private, no-store' },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/sign-in/passkey/options',
      summary: 'Start signing in with a passkey: the options for navigator.credentials.get()',
      tag,
      rateLimits: limits.signIn.slice(0, 1),
      responses: {
        200: { description: 'The challenge and options', schema: optionsResponse },
        429: { description: 'Too many attempts from this address', schema: problemResponse },
      },
      handle: async () => ({
        body: await passkeySignInOptions(context, deps),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    defineRoute<z.infer<typeof ceremonyBody>>({
      method: 'post',
      path: '/v1/sign-in/passkey',
      summary: 'Sign in with the passkey the browser signed the challenge with, and start a session',
      tag,
      body: ceremonyBody,
      rateLimits: limits.signIn.slice(0, 1),
      responses: {
        201: { description: 'Signed in', schema: sessionResponse },
        400: { description: 'Invalid body', schema: problemResponse },
        401: {
          description: 'The passkey, its challenge or its member did not check out',
          schema: problemResponse,
        },
      },
      handle: async ({ body }) => ({
        status: 201,
        body: await signInWithPasskey(
          context,
          deps,
          signIn,
          body.challengeId,
          body.response as unknown as AuthenticationResponseJSON,
        ),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
  ];
}
