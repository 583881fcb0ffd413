import { negotiateLocale, type Locale, type MissingPolicy } from '@aid/i18n';
import type { Logger } from '@aid/telemetry';
import type { NextFunction, Request, Response } from 'express';
import { cookieValue } from './http/cookies.ts';
import { pageContext, type PageContext } from './pages/page-context.ts';

const cookieName = 'lang';
const oneYear = 365 * 86_400;

/**
 * Chooses each request's language: `?lang=` in the address (the picker's links, which also remember the choice
 * in a cookie), else the cookie, else `Accept-Language`, else English. The page is then built in it.
 */
export function localeMiddleware(options: { missing: MissingPolicy; logger: Logger }) {
  const onMissing = ({ locale, key }: { locale: Locale; key: string }) =>
    options.logger.warn({ locale, key }, 'message missing from catalog; English shown');
  return (request: Request, response: Response, next: NextFunction) => {
    const query = typeof request.query.lang === 'string' ? request.query.lang : undefined;
    const { locale, source } = negotiateLocale({
      query,
      cookie: cookieValue(request.headers.cookie, cookieName),
      acceptLanguage: request.headers['accept-language'],
    });
    if (source === 'query')
      response.cookie(cookieName, locale, { maxAge: oneYear * 1000, sameSite: 'lax', path: '/' });
    response.vary('Cookie').vary('Accept-Language').set('content-language', locale);
    // A trace result is an answer to a POST: in another language it is the form again (the code is not in the address).
    const url = request.method === 'GET' ? request.originalUrl : request.path;
    response.locals.page = pageContext({ locale, url, missing: options.missing, onMissing });
    next();
  };
}

/** The request's page context; English for a failure that happened before the language was chosen. */
export function pageOf(response: Response): PageContext {
  return (response.locals.page as PageContext | undefined) ?? pageContext({ locale: 'en', url: '/' });
}
