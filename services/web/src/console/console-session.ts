import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { MemberRole } from '@aid/contracts';
import type { NextFunction, Request, Response } from 'express';
import { cookieValue } from '../http/cookies.ts';

/**
 * Who is signed in to the console in this browser. `token` is the person's credential with the services (a
 * session token the campaign service signed at sign-in; an API key works the same way): every console action is
 * one of the services' own endpoints called with it, so the services' authorization decides and their audit
 * trail names the person.
 */
export interface ConsoleSession {
  token: string;
  memberId: string;
  name: string;
  email: string | null;
  role: MemberRole;
  organizationId: string;
  organizationName: string;
  /** When the token stops working (absolute expiry), ISO 8601. */
  expiresAt: string;
  /** The last request of this session, ISO 8601; an idle session ends. */
  lastSeenAt: string;
}

export const consoleCookieName = 'console';
/** A console left alone this long signs out: a shared or lost phone does not stay signed in. */
export const consoleIdleMs = 30 * 60_000;

const ivBytes = 12;
const tagBytes = 16;

function isLocalHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '::1' ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}

/**
 * The session lives in the browser, sealed: AES-256-GCM under a key derived from the site's secret, so the
 * browser can neither read the token nor change a field, and the web keeps no session store. The cookie is
 * httpOnly, SameSite=Lax (a link from the sign-in email still arrives signed in; forms carry an anti-forgery
 * token besides), scoped to /console, and Secure everywhere but on this machine.
 */
export function consoleSessions(secret: Buffer, clock: () => Date = () => new Date()) {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'aid console session v1', 32));

  function seal(session: ConsoleSession): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  function open(sealed: string): ConsoleSession | null {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length <= ivBytes + tagBytes) return null;
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, ivBytes));
      decipher.setAuthTag(raw.subarray(ivBytes, ivBytes + tagBytes));
      const text = Buffer.concat([
        decipher.update(raw.subarray(ivBytes + tagBytes)),
        decipher.final(),
      ]).toString('utf8');
      return JSON.parse(text) as ConsoleSession;
    } catch {
      return null;
    }
  }

  function write(request: Request, response: Response, session: ConsoleSession): void {
    const remainingMs = Date.parse(session.expiresAt) - clock().getTime();
    response.cookie(consoleCookieName, seal(session), {
      httpOnly: true,
      sameSite: 'lax',
      secure: !isLocalHost(request.hostname),
      path: '/console',
      maxAge: Math.max(0, remainingMs),
    });
  }

  return {
    /** The session of this request, if it is signed in, not expired and not idle for too long. */
    read(request: Request): ConsoleSession | null {
      const sealed = cookieValue(request.headers.cookie, consoleCookieName);
      const session = sealed ? open(sealed) : null;
      if (!session) return null;
      const now = clock().getTime();
      if (Date.parse(session.expiresAt) <= now || now - Date.parse(session.lastSeenAt) > consoleIdleMs)
        return null;
      return session;
    },
    /** Signs this browser in (a new sealed cookie replaces any earlier one: sign-in rotates the session). */
    write,
    /** The cookie's value for a session, as a browser would send it back (tests sign in with it). */
    cookieValueFor: seal,
    /** The session inside a cookie's value, expired or not (tests look inside with it). */
    sessionInCookieValue: open,
    clear(request: Request, response: Response): void {
      response.clearCookie(consoleCookieName, {
        httpOnly: true,
        sameSite: 'lax',
        secure: !isLocalHost(request.hostname),
        path: '/console',
      });
    },
    /**
     * For console pages: the signed-in session in `response.locals.session` (its idle clock restarted), or a
     * redirect to the sign-in page that comes back here afterwards.
     */
    required() {
      return (request: Request, response: Response, next: NextFunction): void => {
        const session = this.read(request);
        if (!session) {
          response.redirect(303, `/console/sign-in?next=${encodeURIComponent(request.originalUrl)}`);
          return;
        }
        const touched = { ...session, lastSeenAt: clock().toISOString() };
        write(request, response, touched);
        response.locals['session'] = touched;
        next();
      };
    },
  };
}

export type ConsoleSessions = ReturnType<typeof consoleSessions>;

/** What the campaign service answers when someone signs in (by link or passkey). */
export interface StartedSession {
  sessionToken: string;
  expiresAt: string;
  member: { id: string; name: string; email: string | null; role: MemberRole };
  organization: { id: string; name: string };
}

/** The browser's session for a sign-in the campaign service just started; it replaces any earlier one. */
export function sessionFromSignIn(started: StartedSession, now: Date = new Date()): ConsoleSession {
  return {
    token: started.sessionToken,
    memberId: started.member.id,
    name: started.member.name,
    email: started.member.email,
    role: started.member.role,
    organizationId: started.organization.id,
    organizationName: started.organization.name,
    expiresAt: started.expiresAt,
    lastSeenAt: now.toISOString(),
  };
}

/** The session `required()` put on the response. */
export function sessionOf(response: Response): ConsoleSession {
  const session = response.locals['session'] as ConsoleSession | undefined;
  if (!session) throw new Error('console page without a session: mount it behind sessions.required()');
  return session;
}
