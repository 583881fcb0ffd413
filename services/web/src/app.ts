import { readFileSync } from 'node:fs';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '@aid/telemetry';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { LedgerUnavailable, NotOnLedger, type LedgerClient } from './ledger-client.ts';
import { campaignListPage, campaignPage } from './pages/campaign-pages.ts';
import { esc, layout } from './pages/html.ts';
import { explorerPage, explorerPageSize } from './pages/ledger-pages.ts';
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

function html(response: Response, status: number, body: string): void {
  response.status(status).type('html').set('cache-control', 'no-store').send(body);
}

/** The public web front: server-rendered pages that stay fast on a phone, read from the public ledger API. */
export function buildWebApp(deps: { ledger: LedgerClient; ledgerUrl: string; logger: Logger }): Express {
  const { ledger, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use((_request, response, next) => {
    response.set({
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    next();
  });
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
    response.status(reachable ? 200 : 503).json({ status: reachable ? 'ready' : 'not-ready', checks: { ledger: reachable } });
  });

  async function campaignInfo(id: string) {
    const { campaigns } = await ledger.campaigns();
    return campaigns.find((row) => row.campaign.campaignId === id)?.campaign ?? null;
  }

  app.get('/', async (_request, response) => {
    const { campaigns } = await ledger.campaigns();
    html(response, 200, campaignListPage(campaigns));
  });

  app.get('/campaigns/:id', async (request, response) => {
    const id = String(request.params.id);
    const summary = await ledger.summary(id);
    const recentCount = 5;
    const [campaign, { entries }, timeseries, breakdowns] = await Promise.all([
      campaignInfo(id),
      ledger.entries(id, Math.max(0, summary.entries - recentCount), recentCount),
      ledger.timeseries(id),
      ledger.breakdowns(id),
    ]);
    html(response, 200, campaignPage({ campaign, summary, recent: [...entries].reverse(), timeseries, breakdowns }));
  });

  app.get('/campaigns/:id/ledger', async (request, response) => {
    const id = String(request.params.id);
    const raw = request.query.from;
    const from = raw === undefined ? 0 : typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
    if (from === null) {
      html(response, 400, layout('Bad address', `<h1>That page of the ledger does not exist</h1><p>“from” must be a whole number of entries. <a href="/campaigns/${esc(id)}/ledger">Start at the first entry</a>.</p>`));
      return;
    }
    const summary = await ledger.summary(id);
    const [campaign, { entries }] = await Promise.all([campaignInfo(id), ledger.entries(id, from, explorerPageSize)]);
    html(response, 200, explorerPage({ campaign, summary, from, entries }));
  });

  app.get('/trace', (_request, response) => {
    html(response, 200, traceFormPage());
  });
  app.post('/trace', express.urlencoded({ extended: false, limit: '2kb' }), async (request, response) => {
    const submitted = (request.body as Record<string, unknown> | undefined)?.receiptCode;
    const code = typeof submitted === 'string' ? submitted.trim() : '';
    if (code.length < 16 || code.length > 128) {
      html(response, 400, traceFormPage('That does not look like a receipt code: it is the long code you received when you gave.'));
      return;
    }
    try {
      html(response, 200, tracePage(await ledger.trace(code)));
    } catch (error) {
      if (!(error instanceof NotOnLedger)) throw error;
      html(response, 404, traceFormPage('No gift on the public record has this receipt code. A gift appears once its payment has gone through.'));
    }
  });

  app.get('/about-the-ledger', async (_request, response) => {
    const key = await ledger.verifierKey();
    html(
      response,
      200,
      layout(
        'How the public ledger works',
        `<h1>How the public ledger works</h1>
<p>Every gift, refund, refund that failed at the bank, approved disbursement, allocation of gifts to it, payout and delivery report is appended to its campaign's public log. Entries are never changed or removed.</p>
<p>Each entry is published as the exact bytes that were recorded (canonical JSON, RFC 8785), and hashed as in Certificate Transparency (RFC 6962), so anyone can recompute and compare them.</p>
<p>Donors appear only by a random reference, and by name only if they chose to; their countries never appear, only counted among at least 5 donors who agreed to it. Receipt codes are never stored, only a hash of them.</p>
<p>Each campaign's log is summed up by a checkpoint signed with the ledger's Ed25519 key (C2SP signed note). Pages that show a proof check it in your browser with this key:</p>
${key ? `<p><code class="hash">${esc(key)}</code></p>` : '<p>The key is not available right now.</p>'}
<p>Machine-readable: <a href="/api/ledger/openapi.json">the ledger API</a>.</p>`,
      ),
    );
  });

  // The ledger's public, read-only API under this origin, so pages and scripts need no cross-origin calls.
  app.get(/^\/api\/ledger\/(.*)$/, async (request, response) => {
    const target = `${deps.ledgerUrl}/${request.params[0] ?? ''}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`;
    const upstream = await fetch(target, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
      throw new LedgerUnavailable((error as Error).message);
    });
    response.status(upstream.status).type(upstream.headers.get('content-type') ?? 'application/json').send(Buffer.from(await upstream.arrayBuffer()));
  });

  app.use((_request, response) => {
    html(response, 404, layout('Not found', '<h1>Not found</h1><p>There is no page at this address. <a href="/">See all campaigns</a>.</p>'));
  });
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof NotOnLedger) {
      html(response, 404, layout('Not found', '<h1>Not on the public record</h1><p>No campaign with this address has a public record yet. <a href="/">See all campaigns</a>.</p>'));
      return;
    }
    if (error instanceof LedgerUnavailable) {
      logger.warn({ err: error, path: request.path }, 'ledger unavailable');
      html(response, 503, layout('Unavailable', `<h1>The public ledger is not answering</h1><p>${esc('Please try again in a moment.')}</p>`));
      return;
    }
    logger.error({ err: error, path: request.path }, 'unexpected error');
    html(response, 500, layout('Error', '<h1>Something went wrong on our side</h1><p>Please try again in a moment.</p>'));
  });
  return app;
}
