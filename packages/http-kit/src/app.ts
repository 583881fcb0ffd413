import { trace } from '@opentelemetry/api';
import type { Logger } from '@aid/telemetry';
import { createHash } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import { isDomainError } from '@aid/contracts';
import { HttpProblem, problem, type ProblemDocument } from './problem.ts';
import type { RouteRateLimit } from './rate-limit.ts';
import { allowedMethodsOf } from './allowed-methods.ts';
import { mountRoutes, openApiDocument, type Route } from './routes.ts';

/** Requests keep the bytes of their JSON body, for signature checks. */
export type RequestWithRawBody = Request & { rawBody?: Buffer };

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

export interface HttpAppOptions<Code extends string> {
  serviceName: string;
  version?: string;
  description: string;
  logger: Logger;
  routes: Route[];
  /** The service's exhaustive code -> status table for its domain errors. */
  statusByCode: Record<Code, number>;
  readiness: ReadinessCheck;
  bodyLimit?: string;
  /**
   * Express's `trust proxy`: which proxies in front may set X-Forwarded-For, so that `req.ip` (and every limit
   * per address) is the client's, not the proxy's. False (the default) trusts none.
   */
  trustProxy?: boolean | number | string[];
  /** Limits on failed authentication, put before every route that takes a bearer key. */
  authenticationFailureLimits?: RouteRateLimit[];
}

const docsStyle =
  'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}td{padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}';
const docsStyleHash = `'sha256-${createHash('sha256').update(docsStyle).digest('base64')}'`;

/**
 * Security headers for an API: nothing may be loaded or framed, except the one inline style of /docs (by hash).
 * JSON answers need no more; HSTS and the rest are helmet's defaults.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: [docsStyleHash],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
  frameguard: { action: 'deny' },
});

function sendProblem(response: express.Response, document: ProblemDocument): void {
  response.status(document.status).type('application/problem+json').send(JSON.stringify(document));
}

function traceIdOf(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

const requireJsonBody: RequestHandler = (request, _response, next) => {
  const hasBody =
    Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (['POST', 'PATCH', 'PUT'].includes(request.method) && hasBody && !request.is('application/json')) {
    next(
      new HttpProblem(415, 'unsupported-media-type', 'send the body as application/json', {
        field: 'content-type',
      }),
    );
    return;
  }
  next();
};

/**
 * An express app with what every service serves the same way: JSON bodies, request logs, problem
 * details for every error, /healthz, /readyz, /openapi.json and /docs. Never listens: main.ts does.
 */
export function createHttpApp<Code extends string>(options: HttpAppOptions<Code>): Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(securityHeaders);

  // The request's SERVER span is the http instrumentation's, named by the route template express matched.
  app.use((request, response, next) => {
    const started = performance.now();
    response.on('finish', () => {
      if (request.path === '/healthz' || request.path === '/readyz') return;
      logger.info(
        {
          method: request.method,
          path: (request.route as { path?: string } | undefined)?.path ?? request.path,
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  });

  app.use(requireJsonBody);
  const jsonBody = (limit: string) =>
    express.json({
      limit,
      strict: true,
      type: 'application/json',
      // Signed webhooks are verified over the exact bytes received, not over re-serialized JSON.
      verify: (request, _response, buffer) => {
        (request as RequestWithRawBody).rawBody = buffer;
      },
    });
  // A route with its own limit parses first; the body is then read, and the default parser passes it by.
  for (const route of options.routes)
    if (route.bodyLimit) app[route.method](route.path, jsonBody(route.bodyLimit));
  app.use(jsonBody(options.bodyLimit ?? '64kb'));

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok', service: options.serviceName });
  });
  app.get('/readyz', async (_request, response) => {
    const checks = await options.readiness().catch(() => ({ readiness: false }));
    const ready = Object.values(checks).every(Boolean);
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks });
  });

  const authLimits = options.authenticationFailureLimits ?? [];
  const routes = options.routes.map((route) =>
    route.security && authLimits.length > 0
      ? { ...route, rateLimits: [...authLimits, ...(route.rateLimits ?? [])] }
      : route,
  );
  const document = openApiDocument(
    {
      title: `${options.serviceName} API`,
      version: options.version ?? '1.0.0',
      description: options.description,
    },
    routes,
  );
  app.get('/openapi.json', (_request, response) => {
    response.json(document);
  });
  app.get('/docs', (_request, response) => {
    response.type('html').send(renderDocs(document));
  });

  const router = express.Router();
  mountRoutes(router, routes);
  app.use(router);

  // A known path asked with a method it does not serve is a 405 naming the methods it does (RFC 9110 15.5.6).
  const allowedMethods = allowedMethodsOf(options.routes);
  app.use((request, response, next) => {
    const allowed = allowedMethods(request.path);
    if (allowed === undefined) {
      next();
      return;
    }
    response.setHeader('Allow', allowed.join(', '));
    next(
      new HttpProblem(
        405,
        'method-not-allowed',
        `${request.method} is not served here; use ${allowed.join(', ')}`,
      ),
    );
  });
  app.use((request, _response, next) => {
    next(new HttpProblem(404, 'not-found', `no route for ${request.method} ${request.path}`));
  });
  app.use(problemHandler(options.statusByCode, logger));
  return app;
}

function problemHandler<Code extends string>(
  statusByCode: Record<Code, number>,
  logger: Logger,
): ErrorRequestHandler {
  return (error: unknown, request: Request, response, _next) => {
    const traceId = traceIdOf();
    const instance = request.originalUrl.split('?')[0];
    if (isDomainError(error)) {
      const code = error.code;
      const status = statusByCode[code as Code] ?? 500;
      if (status >= 500) logger.error({ err: error, traceId }, 'domain error mapped to a server error');
      sendProblem(response, problem(status, code, error.message, { field: error.field, instance, traceId }));
      return;
    }
    if (error instanceof HttpProblem) {
      sendProblem(
        response,
        problem(error.status, error.code, error.message, {
          field: error.field,
          errors: error.errors,
          instance,
          traceId,
        }),
      );
      return;
    }
    const bodyError = error as { type?: string; status?: number; message?: string };
    if (bodyError.type === 'entity.parse.failed') {
      sendProblem(
        response,
        problem(400, 'malformed-json', 'the body is not valid JSON', { field: '(body)', instance, traceId }),
      );
      return;
    }
    if (bodyError.type === 'entity.too.large') {
      sendProblem(
        response,
        problem(413, 'body-too-large', 'the body is larger than this endpoint accepts', {
          field: '(body)',
          instance,
          traceId,
        }),
      );
      return;
    }
    if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      sendProblem(
        response,
        problem(bodyError.status, 'bad-request', bodyError.message ?? 'bad request', { instance, traceId }),
      );
      return;
    }
    logger.error({ err: error, traceId, path: request.path }, 'unexpected error');
    sendProblem(
      response,
      problem(
        500,
        'internal-error',
        `something went wrong on our side; quote trace ${traceId ?? 'unknown'} when reporting it`,
        { instance, traceId },
      ),
    );
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function renderDocs(document: ReturnType<typeof openApiDocument>): string {
  const rows = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, { summary?: string }>).map(
      ([method, operation]) =>
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(operation.summary ?? '')}</td></tr>`,
    ),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(document.info.title)}</title>
<style>${docsStyle}</style></head>
<body><h1>${escapeHtml(document.info.title)}</h1><p>${escapeHtml(document.info.description ?? '')}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are RFC 9457 problem details.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>${rows.join('')}</tbody></table></body></html>`;
}
