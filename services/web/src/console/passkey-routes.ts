import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import express, { type Request, type Response } from 'express';
import type { ConsoleApis, ConsoleDeps } from './console-app.ts';
import { sessionFromSignIn, sessionOf, type StartedSession } from './console-session.ts';
import { ConsoleServiceProblem } from './service-api.ts';

// @simplewebauthn/browser's own bundle (it defines `SimpleWebAuthnBrowser`), served from this origin: the
// pages' content security policy allows this site's scripts only.
const webauthnBundle = readFileSync(
  createRequire(import.meta.url)
    .resolve('@simplewebauthn/browser')
    .replace(/(esm|script)[\\/]index\.js$/, 'dist/bundle/index.umd.min.js'),
  'utf8',
);

const json = express.json({ limit: '32kb' });

/**
 * The passkey ceremonies, as JSON for the page's script: the web relays them to the campaign service, which
 * holds the challenges and checks the signatures. Each call carries the page's anti-forgery token in a header.
 */
export function registerPasskeyRoutes(app: express.Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { sessions, forms, apis } = deps;

  app.get('/static/js/vendor/simplewebauthn.js', (_request, response) => {
    response.type('text/javascript').set('cache-control', 'public, max-age=3600').send(webauthnBundle);
  });

  const guarded =
    (handler: (request: Request, response: Response) => Promise<void>) =>
    async (request: Request, response: Response) => {
      if (!forms.accepts(request, request.get('x-csrf-token'))) {
        response
          .status(403)
          .set('cache-control', 'no-store')
          .json({ detail: 'the page expired: reload it and try again' });
        return;
      }
      try {
        await handler(request, response);
      } catch (error) {
        if (!(error instanceof ConsoleServiceProblem)) throw error;
        response.status(error.status).set('cache-control', 'no-store').json({ detail: error.detail });
      }
    };
  const body = (request: Request) => (request.body ?? {}) as { challengeId?: unknown; response?: unknown };

  app.post(
    '/console/passkey/sign-in/options',
    json,
    guarded(async (request, response) => {
      response.set('cache-control', 'no-store').json(
        await apis.campaign(null, '/v1/sign-in/passkey/options', {
          method: 'POST',
          clientAddress: request.ip,
        }),
      );
    }),
  );

  app.post(
    '/console/passkey/sign-in',
    json,
    guarded(async (request, response) => {
      const { challengeId, response: credential } = body(request);
      const started = await apis.campaign<StartedSession>(null, '/v1/sign-in/passkey', {
        json: { challengeId, response: credential },
        clientAddress: request.ip,
      });
      sessions.write(request, response, sessionFromSignIn(started));
      response.set('cache-control', 'no-store').json({ location: '/console' });
    }),
  );

  app.post(
    '/console/passkey/register/options',
    sessions.required(),
    json,
    guarded(async (request, response) => {
      response.set('cache-control', 'no-store').json(
        await apis.campaign(sessionOf(response), '/v1/me/passkeys/options', {
          method: 'POST',
          clientAddress: request.ip,
        }),
      );
    }),
  );

  app.post(
    '/console/passkey/register',
    sessions.required(),
    json,
    guarded(async (request, response) => {
      const { challengeId, response: credential } = body(request);
      response
        .status(201)
        .set('cache-control', 'no-store')
        .json(
          await apis.campaign(sessionOf(response), '/v1/me/passkeys', {
            json: { challengeId, response: credential },
            clientAddress: request.ip,
          }),
        );
    }),
  );
}
