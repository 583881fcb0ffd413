import { readFileSync } from 'node:fs';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '@aid/telemetry';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { MissingPolicy } from '@aid/i18n';
import type { CampaignClient } from './campaign-client.ts';
import { registerConsole, type ConsoleDeps } from './console/console-app.ts';
import { ConsoleServiceProblem, ConsoleServiceUnavailable } from './console/service-api.ts';
import { refusedPage } from './console/sign-in-pages.ts';
import { DonationServiceUnavailable } from './donation-client.ts';
import { registerGivingRoutes, type GivingDeps } from './giving/giving-routes.ts';
import { LedgerRateLimited, LedgerUnavailable, NotOnLedger, type LedgerClient } from './ledger-client.ts';
import { localeMiddleware, pageOf } from './locale.ts';
import { campaignListPage, campaignPage, organizationPage } from './pages/campaign-pages.ts';
import { aboutLedgerPage, errorPage } from './pages/info-pages.ts';
import { explorerPage, explorerPageSize } from './pages/ledger-pages.ts';
import { readRecordChecks, recordChecksPage, type RecordChecks } from './pages/record-checks.ts';
import { traceFormPage, tracePage } from './pages/trace-pages.ts';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * The project's own verifier (packages/log-verifier, no imports, WebCrypto only) as browser JavaScript, so
 * pages check proofs with the very code the ledger's tests hold to, not a copy that could drift.
 */
export function verifierScript(): string {
  const entry = createRequire(import.meta.url).resolve('@aid/log-verifier');
  const source = readFileSync(fileURLToPath(new URL('./verify.ts', pathToFileURL(entry))), 'utf8');
  // Stripping leaves blanks where types were (keeping line numbers); trailing blanks are just bytes.
  return stripTypeScriptTypes(source).replace(/[ \t]+$/gm, '');
}

function send(response: Response, status: number, body: string): void {
  response.status(status).type('html').set('cache-control', 'no-store').send(body);
}

/** The ledger's public API as the web serves it under /api/ledger: reads of the record, never operations or metrics. */
const publicLedgerPath = /^(v1\/(campaigns|checkpoint|verifier-key|trace)(\/[^?]*)?|openapi\.json)$/;

/** What the ledger says about limits travels back to the visitor with its answer. */
const relayedHeaders = [
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'cache-control',
  'content-disposition',
];

/**
 * The public web front: server-rendered pages that stay fast on a phone, read from the public ledger API, in the
 * reader's language. `missingMessages` is `english` in production (fallback, logged once) and `mark` in tests.
 * `trustProxy`: which proxies in front may name the visitor (X-Forwarded-For), as express's `trust proxy`. The
 * visitor's address goes on to the ledger with trace lookups, whose per-address limit then counts visitors.
 */
export function buildWebApp(deps: {
  ledger: LedgerClient;
  ledgerUrl: string;
  logger: Logger;
  missingMessages?: MissingPolicy;
  recordChecks?: () => Promise<RecordChecks | null>;
  trustProxy?: false | number | string[];
  /** The campaign service, for the updates' text and who runs a campaign. */
  campaigns?: CampaignClient;
  /** Giving through this site; without it the pages show the public record only. */
  giving?: Omit<GivingDeps, 'ledger' | 'logger' | 'campaigns'> | undefined;
  /** The organizations' console (sign-in, campaigns, money, members); without it there is none. */
  console?: Omit<ConsoleDeps, 'logger'> | undefined;
}): Express {
  const { ledger, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  // The same strict policy as ever (own scripts and styles only, no framing), with helmet's other protections.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'"],
          scriptSrc: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
    }),
  );
  const verifier = verifierScript();
  app.get('/static/js/verify.js', (_request, response) => {
    response.type('text/javascript').set('cache-control', 'public, max-age=3600').send(verifier);
  });
  app.use('/static', express.static(publicDir, { maxAge: '1h' }));

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', service: 'web' });
  });
  app.get('/readyz', async (_request, response) => {
    const reachable = await ledger.ready();
    response
      .status(reachable ? 200 : 503)
      .json({ status: reachable ? 'ready' : 'not-ready', checks: { ledger: reachable } });
  });

  app.use(localeMiddleware({ missing: deps.missingMessages ?? 'english', logger }));

  app.get('/', async (_request, response) => {
    const { campaigns } = await ledger.campaigns();
    send(response, 200, campaignListPage(pageOf(response), campaigns));
  });

  app.get('/campaigns/:id', async (request, response) => {
    const id = String(request.params.id);
    // Enough of the latest entries to find the latest few gifts among updates and disbursements. All reads at
    // once: the page waits for the slowest, not for their sum.
    const recentCount = 12;
    // By id: a campaign beyond the list's first page was shown without its title and description.
    const [published, { entries }, timeseries, breakdowns, details] = await Promise.all([
      ledger.campaignWithSummary(id),
      ledger.latestEntries(id, recentCount),
      ledger.timeseries(id),
      ledger.breakdowns(id),
      deps.campaigns?.details(id) ?? null,
    ]);
    // A record whose campaign description has not reached the ledger yet is still shown, by its summary.
    const campaign = published?.campaign ?? null;
    const summary = published?.summary ?? (await ledger.summary(id));
    const givingOpen = Boolean(deps.giving) && (details?.status ?? campaign?.status) === 'active';
    const address = `${deps.giving?.publicUrl ?? `${request.protocol}://${request.get('host') ?? 'localhost'}`}/campaigns/${id}`;
    send(
      response,
      200,
      campaignPage(
        pageOf(response),
        { campaign, summary, recent: [...entries].reverse(), timeseries, breakdowns, details, givingOpen },
        address,
      ),
    );
  });

  // Update photos come from the campaign service through this site: the page's policy allows its own images only.
  app.get('/campaigns/:id/updates/:updateId/photo', async (request, response, next) => {
    const photo = await deps.campaigns?.photo(String(request.params.id), String(request.params.updateId));
    if (!photo) {
      next();
      return;
    }
    response
      .type(photo.contentType)
      .set({
        'x-content-type-options': 'nosniff',
        'x-content-sha256': photo.sha256,
        'cache-control': 'public, max-age=86400',
      })
      .send(photo.bytes);
  });

  app.get('/organizations/:id', async (request, response, next) => {
    const profile = await deps.campaigns?.organization(String(request.params.id));
    if (!profile) {
      next();
      return;
    }
    // Each campaign's figures from the public record; one not on it yet is left out.
    const rows = await Promise.all(
      profile.campaigns.map((campaign) => ledger.campaignWithSummary(campaign.id)),
    );
    send(
      response,
      200,
      organizationPage(
        pageOf(response),
        profile,
        rows.filter((row) => row !== null),
      ),
    );
  });

  app.get('/campaigns/:id/ledger', async (request, response) => {
    const id = String(request.params.id);
    const raw = request.query.from;
    const from =
      raw === undefined ? 0 : typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
    if (from === null) {
      send(response, 400, errorPage(pageOf(response), 'bad-ledger-page', id));
      return;
    }
    const [published, { entries }] = await Promise.all([
      ledger.campaignWithSummary(id),
      ledger.entries(id, from, explorerPageSize),
    ]);
    const campaign = published?.campaign ?? null;
    const summary = published?.summary ?? (await ledger.summary(id));
    send(response, 200, explorerPage(pageOf(response), { campaign, summary, from, entries }));
  });

  app.get('/trace', (_request, response) => {
    send(response, 200, traceFormPage(pageOf(response)));
  });
  app.post('/trace', express.urlencoded({ extended: false, limit: '2kb' }), async (request, response) => {
    const submitted = (request.body as Record<string, unknown> | undefined)?.receiptCode;
    const code = typeof submitted === 'string' ? submitted.trim() : '';
    if (code.length < 16 || code.length > 128) {
      send(response, 400, traceFormPage(pageOf(response), 'malformed'));
      return;
    }
    try {
      send(response, 200, tracePage(pageOf(response), await ledger.trace(code, request.ip)));
    } catch (error) {
      if (error instanceof LedgerRateLimited) {
        response.set('retry-after', String(error.retryAfter));
        send(response, 429, traceFormPage(pageOf(response), { retryAfterSeconds: error.retryAfter }));
        return;
      }
      if (!(error instanceof NotOnLedger)) throw error;
      send(response, 404, traceFormPage(pageOf(response), 'unknown'));
    }
  });

  app.get('/record-checks', async (_request, response) => {
    const [checks, { campaigns }] = await Promise.all([
      (deps.recordChecks ?? (() => readRecordChecks(deps.ledgerUrl)))(),
      ledger.campaigns(),
    ]);
    send(
      response,
      200,
      recordChecksPage(
        pageOf(response),
        checks,
        new Map(campaigns.map((row) => [row.campaign.campaignId, row])),
      ),
    );
  });

  if (deps.giving && deps.campaigns)
    registerGivingRoutes(app, { ...deps.giving, ledger, logger, campaigns: deps.campaigns });
  if (deps.console) registerConsole(app, { ...deps.console, logger });

  app.get('/about-the-ledger', async (_request, response) => {
    send(response, 200, aboutLedgerPage(pageOf(response), await ledger.verifierKey()));
  });

  // The ledger's public, read-only API under this origin, so pages and scripts need no cross-origin calls.
  app.get(/^\/api\/ledger\/(.*)$/, async (request, response, next) => {
    const path = request.params[0] ?? '';
    if (!publicLedgerPath.test(path)) {
      next();
      return;
    }
    const target = `${deps.ledgerUrl}/${path}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`;
    const upstream = await fetch(target, {
      signal: AbortSignal.timeout(10_000),
      headers: request.ip ? { 'x-forwarded-for': request.ip } : {},
    }).catch((error: unknown) => {
      throw new LedgerUnavailable((error as Error).message);
    });
    for (const name of relayedHeaders) {
      const value = upstream.headers.get(name);
      if (value !== null) response.set(name, value);
    }
    response
      .status(upstream.status)
      .type(upstream.headers.get('content-type') ?? 'application/json')
      .send(Buffer.from(await upstream.arrayBuffer()));
  });

  app.use((_request, response) => {
    send(response, 404, errorPage(pageOf(response), 'not-found'));
  });
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    // The person's session no longer works at a service (signed out everywhere, removed from the organization):
    // this browser's session ends too, and they are asked to sign in again.
    if (error instanceof ConsoleServiceProblem && error.status === 401 && deps.console) {
      deps.console.sessions.clear(request, response);
      response.redirect(303, '/console/sign-in');
      return;
    }
    if (error instanceof ConsoleServiceProblem && error.status < 500) {
      send(response, error.status, refusedPage(pageOf(response), error.detail));
      return;
    }
    if (error instanceof NotOnLedger) {
      send(response, 404, errorPage(pageOf(response), 'not-on-ledger'));
      return;
    }
    if (
      error instanceof LedgerUnavailable ||
      error instanceof DonationServiceUnavailable ||
      error instanceof ConsoleServiceUnavailable
    ) {
      logger.warn({ err: error, path: request.path }, 'a service the page needs is unavailable');
      send(response, 503, errorPage(pageOf(response), 'unavailable'));
      return;
    }
    // A body the parser refused (too large, too many fields, malformed): the visitor's mistake, said as such.
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      send(response, status, errorPage(pageOf(response), 'bad-request'));
      return;
    }
    logger.error({ err: error, path: request.path }, 'unexpected error');
    send(response, 500, errorPage(pageOf(response), 'error'));
  });
  return app;
}
