import type { NextFunction, Request, Response } from 'express';
import { cookieValue } from '../../http/cookies.ts';
import { consoleIdleMs, type ConsoleSession, type ConsoleSessions } from '../console-session.ts';

export const adminCookieName = 'console-admin';
export const adminPath = '/console/admin';
/** However active, an administrator signs in again after a working day. */
const adminSessionMs = 8 * 3_600_000;
/** Marks a sealed session as the platform administrator's, so an organization member's console cookie never opens here. */
const platformAdmin = 'platform-admin';

function isLocalHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '::1' ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}

/**
 * The platform administrator's sign-in: the platform administrator key, checked by the campaign service, kept
 * only on the server's side of a sealed cookie (the console sessions' AES-GCM sealing, so the browser can
 * neither read the key nor forge a session) under its own name, scoped to /console/admin, ending after 30 idle
 * minutes. One shared key stands for the administrator for now; administrators as people with their own
 * sign-in (and their name in the audit) are future work.
 */
export function adminSessions(sessions: ConsoleSessions, clock: () => Date = () => new Date()) {
  function write(request: Request, response: Response, session: ConsoleSession): void {
    response.cookie(adminCookieName, sessions.cookieValueFor(session), {
      httpOnly: true,
      sameSite: 'strict',
      secure: !isLocalHost(request.hostname),
      path: adminPath,
      maxAge: Math.max(0, Date.parse(session.expiresAt) - clock().getTime()),
    });
  }

  function read(request: Request): ConsoleSession | null {
    const sealed = cookieValue(request.headers.cookie, adminCookieName);
    const session = sealed ? sessions.sessionInCookieValue(sealed) : null;
    if (!session || session.memberId !== platformAdmin || session.organizationId !== platformAdmin)
      return null;
    const now = clock().getTime();
    if (Date.parse(session.expiresAt) <= now || now - Date.parse(session.lastSeenAt) > consoleIdleMs)
      return null;
    return session;
  }

  return {
    read,
    /** The session for a key the campaign service just accepted as the platform administrator's. */
    start(request: Request, response: Response, key: string, name: string): void {
      const now = clock();
      write(request, response, {
        token: key,
        memberId: platformAdmin,
        name,
        email: null,
        role: 'admin',
        organizationId: platformAdmin,
        organizationName: name,
        expiresAt: new Date(now.getTime() + adminSessionMs).toISOString(),
        lastSeenAt: now.toISOString(),
      });
    },
    clear(request: Request, response: Response): void {
      response.clearCookie(adminCookieName, {
        httpOnly: true,
        sameSite: 'strict',
        secure: !isLocalHost(request.hostname),
        path: adminPath,
      });
    },
    /** The cookie's value for a platform administrator key, as a browser would send it back (tests sign in with it). */
    cookieValueFor(key: string): string {
      const now = clock();
      return sessions.cookieValueFor({
        token: key,
        memberId: platformAdmin,
        name: 'Platform administrator',
        email: null,
        role: 'admin',
        organizationId: platformAdmin,
        organizationName: 'Platform administrator',
        expiresAt: new Date(now.getTime() + adminSessionMs).toISOString(),
        lastSeenAt: now.toISOString(),
      });
    },
    /** For the administrator's pages: the session in `response.locals.adminSession` (idle clock restarted), or the sign-in page. */
    required() {
      return (request: Request, response: Response, next: NextFunction): void => {
        const session = read(request);
        if (!session) {
          response.redirect(303, `${adminPath}/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
          return;
        }
        const touched = { ...session, lastSeenAt: clock().toISOString() };
        write(request, response, touched);
        response.locals['adminSession'] = touched;
        next();
      };
    },
  };
}

export function adminSessionOf(response: Response): ConsoleSession {
  const session = response.locals['adminSession'] as ConsoleSession | undefined;
  if (!session)
    throw new Error('administrator page without a session: mount it behind adminSessions.required()');
  return session;
}
