import express, { type Request, type Response } from 'express';
import { pageOf } from '../locale.ts';
import type { ConsoleApis, ConsoleDeps } from './console-app.ts';
import { sessionFromSignIn, sessionOf, type StartedSession } from './console-session.ts';
import {
  accountPage,
  checkEmailPage,
  linkPage,
  signedOutPage,
  signInPage,
  type PasskeyRow,
  type SignInProblem,
} from './sign-in-pages.ts';
import { ConsoleServiceProblem } from './service-api.ts';

const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function send(response: Response, status: number, body: string): void {
  response.status(status).type('html').set('cache-control', 'no-store').send(body);
}

const field = (request: Request, name: string): string => {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
};

/** Only a path on this site's console: a `next` that leads elsewhere would make sign-in an open redirect. */
function safeNext(value: unknown): string {
  return typeof value === 'string' &&
    /^\/console(\/[A-Za-z0-9/_.?=&%-]*)?$/.test(value) &&
    !value.startsWith('//')
    ? value
    : '/console';
}

const linkProblems: Record<number, SignInProblem> = {
  401: 'link-unknown',
  409: 'link-used',
  410: 'link-expired',
};

/** Sign-in by emailed link, sign-out in this browser, and sign-out on every device. */
export function registerSignInRoutes(app: express.Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { sessions, forms, apis } = deps;

  app.get('/console/sign-in', (request, response) => {
    const next = safeNext(request.query.next);
    if (sessions.read(request)) {
      response.redirect(303, next);
      return;
    }
    send(response, 200, signInPage(pageOf(response), { csrfToken: forms.token(request, response), next }));
  });

  app.post('/console/sign-in', form, async (request, response) => {
    const page = pageOf(response);
    const next = safeNext(field(request, 'next'));
    const email = field(request, 'email').slice(0, 254);
    const again = (status: number, problem: SignInProblem) =>
      send(
        response,
        status,
        signInPage(page, { csrfToken: forms.token(request, response), next, email, problem }),
      );
    if (!forms.accepts(request, field(request, 'csrf'))) return again(403, 'forged');
    if (!emailPattern.test(email)) return again(400, 'email');
    try {
      await apis.campaign(null, '/v1/sign-in/email', {
        json: { email, locale: page.locale },
        clientAddress: request.ip,
      });
    } catch (error) {
      if (!(error instanceof ConsoleServiceProblem)) throw error;
      if (error.status === 429) return again(429, 'limited');
      if (error.status === 400) return again(400, 'email');
      throw error;
    }
    send(response, 200, checkEmailPage(page, email));
  });

  app.get('/console/sign-in/link', (request, response) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    const page = pageOf(response);
    if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) {
      send(response, 400, linkPage(page, { csrfToken: '', token: '', problem: 'link-unknown' }));
      return;
    }
    send(response, 200, linkPage(page, { csrfToken: forms.token(request, response), token }));
  });

  app.post('/console/sign-in/link', form, async (request, response) => {
    const page = pageOf(response);
    const token = field(request, 'token');
    if (!forms.accepts(request, field(request, 'csrf'))) {
      send(
        response,
        403,
        linkPage(page, { csrfToken: forms.token(request, response), token, problem: 'forged' }),
      );
      return;
    }
    let started: StartedSession;
    try {
      started = await apis.campaign<StartedSession>(null, '/v1/sign-in/link', {
        json: { token },
        clientAddress: request.ip,
      });
    } catch (error) {
      const problem =
        error instanceof ConsoleServiceProblem
          ? (linkProblems[error.status] ?? (error.status === 400 ? 'link-unknown' : undefined))
          : undefined;
      if (!problem || !(error instanceof ConsoleServiceProblem)) throw error;
      send(
        response,
        error.status === 400 ? 400 : error.status,
        linkPage(page, { csrfToken: '', token: '', problem }),
      );
      return;
    }
    // A new cookie replaces whatever this browser held: every sign-in starts a new session.
    sessions.write(request, response, sessionFromSignIn(started));
    response.redirect(303, '/console');
  });

  // The person's own account: checked live with the campaign service, so a removed member or an ended session is
  // sent to sign in again (by the app's error handler) rather than shown a page that no longer holds.
  app.get('/console/account', sessions.required(), async (request, response) => {
    const session = sessionOf(response);
    const [, { passkeys }] = await Promise.all([
      apis.campaign(session, '/v1/me', { clientAddress: request.ip }),
      apis.campaign<{ passkeys: PasskeyRow[] }>(session, '/v1/me/passkeys', { clientAddress: request.ip }),
    ]);
    send(response, 200, accountPage(pageOf(response), session, forms.token(request, response), passkeys));
  });

  app.post('/console/sign-out', form, (request, response) => {
    if (!forms.accepts(request, field(request, 'csrf'))) {
      send(
        response,
        403,
        signInPage(pageOf(response), {
          csrfToken: forms.token(request, response),
          next: '/console',
          problem: 'forged',
        }),
      );
      return;
    }
    sessions.clear(request, response);
    send(response, 200, signedOutPage(pageOf(response), false));
  });

  app.post('/console/sign-out-everywhere', form, async (request, response) => {
    const session = sessions.read(request);
    if (!forms.accepts(request, field(request, 'csrf'))) {
      send(
        response,
        403,
        signInPage(pageOf(response), {
          csrfToken: forms.token(request, response),
          next: '/console',
          problem: 'forged',
        }),
      );
      return;
    }
    if (session)
      await apis.campaign(session, '/v1/me/sign-out-everywhere', {
        method: 'POST',
        clientAddress: request.ip,
      });
    sessions.clear(request, response);
    send(response, 200, signedOutPage(pageOf(response), true));
  });
}
