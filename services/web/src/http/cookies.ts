import type { Request, Response } from 'express';

/** One cookie of the request, as sent. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * A cookie only this site's pages read: never scripts (httpOnly), not sent along with another site's forms or
 * frames (SameSite=Lax still allows following a link here), and Secure whenever the page came over HTTPS.
 */
export function setPrivateCookie(
  request: Request,
  response: Response,
  name: string,
  value: string,
  options: { path: string; maxAgeSeconds: number },
): void {
  response.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.secure,
    path: options.path,
    maxAge: options.maxAgeSeconds * 1000,
  });
}
