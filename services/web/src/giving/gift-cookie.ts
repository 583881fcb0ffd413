import type { Request, Response } from 'express';
import { cookieValue, setPrivateCookie } from '../http/cookies.ts';

/**
 * What the browser that gave a gift keeps of it: the receipt code (the donor's bearer secret, shown on the
 * thank-you page) and the PaymentIntent's client secret (to pay). Only in an httpOnly cookie scoped to the
 * gift's own pages, never in an address, so neither reaches logs, history or another site.
 */
export interface GiftSecrets {
  receiptCode: string;
  clientSecret: string;
}

const cookieName = 'gift';
const keptSeconds = 30 * 86_400;
const receiptCodeShape = /^[A-Z2-7]{4}(?:-[A-Z2-7]{1,4}){1,12}$/;
const clientSecretShape = /^[A-Za-z0-9_]{8,200}$/;

export const giftPath = (donationId: string) => `/gifts/${encodeURIComponent(donationId)}`;

export function keepGiftSecrets(
  request: Request,
  response: Response,
  donationId: string,
  secrets: GiftSecrets,
): void {
  setPrivateCookie(request, response, cookieName, `${secrets.receiptCode}~${secrets.clientSecret}`, {
    path: giftPath(donationId),
    maxAgeSeconds: keptSeconds,
  });
}

/** The secrets of the gift whose page this is, or null on another browser (or after they expired). */
export function giftSecretsOf(request: Request): GiftSecrets | null {
  const value = cookieValue(request.headers.cookie, cookieName);
  const [receiptCode = '', clientSecret = ''] = value?.split('~') ?? [];
  return receiptCodeShape.test(receiptCode) && clientSecretShape.test(clientSecret)
    ? { receiptCode, clientSecret }
    : null;
}
