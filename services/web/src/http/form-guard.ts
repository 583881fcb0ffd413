import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { cookieValue, setPrivateCookie } from './cookies.ts';

const cookieName = 'form';
const day = 86_400;

/**
 * Protection against forged form posts (CSRF), by signed double submit: each browser holds a random value in
 * an httpOnly cookie, and every form carries the HMAC of that value under the site's secret. Another site can
 * make a browser post here, with the cookie, but cannot read a page to learn the token. Browsers that say a post
 * comes from another site (Sec-Fetch-Site: cross-site) are refused outright.
 */
export function formGuard(secret: Buffer) {
  const sign = (value: string) => createHmac('sha256', secret).update(`form:${value}`).digest('base64url');
  return {
    /** The token for this browser's forms, giving it a form cookie first if it has none. */
    token(request: Request, response: Response): string {
      let value = cookieValue(request.headers.cookie, cookieName);
      if (!value || !/^[A-Za-z0-9_-]{24}$/.test(value)) {
        value = randomBytes(18).toString('base64url');
        setPrivateCookie(request, response, cookieName, value, { path: '/', maxAgeSeconds: 30 * day });
        // The same request may render a form and must see the new cookie as the browser will send it.
        request.headers.cookie = `${request.headers.cookie ? `${request.headers.cookie}; ` : ''}${cookieName}=${value}`;
      }
      return sign(value);
    },
    /** Whether a posted form really comes from one of this site's pages in this browser. */
    accepts(request: Request, posted: unknown): boolean {
      if (request.get('sec-fetch-site') === 'cross-site') return false;
      const value = cookieValue(request.headers.cookie, cookieName);
      if (!value || typeof posted !== 'string') return false;
      const expected = Buffer.from(sign(value));
      const given = Buffer.from(posted);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type FormGuard = ReturnType<typeof formGuard>;
