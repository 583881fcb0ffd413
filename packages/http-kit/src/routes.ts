import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { problemDocumentSchema } from './problem.ts';
import type { RouteRateLimit } from './rate-limit.ts';
import { parseRequestPart } from './validation.ts';

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export interface RouteInput<Body, Params, Query, Auth> {
  body: Body;
  params: Params;
  query: Query;
  auth: Auth;
  request: Request;
}

export interface Route<Body = unknown, Params = unknown, Query = unknown, Auth = unknown> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express syntax (`/v1/campaigns/:id`); converted to `{id}` for the OpenAPI document. */
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType<Body>;
  params?: z.ZodType<Params>;
  query?: z.ZodType<Query>;
  /** Request headers, documented and validated (names in lower case, as Node.js gives them). */
  headers?: z.ZodType;
  /** A body that is not JSON (a file), read by the service itself: documented with its media types. */
  rawBody?: { description: string; contentTypes: readonly string[] };
  /** Runs before validation; resolves the caller or throws a 401/403 problem. */
  authenticate?: (request: Request) => Promise<Auth>;
  /** `optional-bearer`: anonymous callers are served too, but a key that is sent must be valid. */
  security?: 'bearer' | 'optional-bearer';
  /** Limits checked before anything else of the route runs; each can answer 429. */
  rateLimits?: RouteRateLimit[];
  /** The JSON body limit of this route, when the app's default does not fit (e.g. `1mb`). */
  bodyLimit?: string;
  responses: Record<number, RouteResponse>;
  handle(input: RouteInput<Body, Params, Query, Auth>): Promise<RouteResult>;
}

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  /** OpenAPI links: how a value of this answer feeds another operation (`operationRef` and `parameters`). */
  links?: Record<string, { operationRef: string; parameters: Record<string, string>; description?: string }>;
}

/** Lets a list of routes with different type parameters be passed together. */
export function defineRoute<Body = undefined, Params = undefined, Query = undefined, Auth = undefined>(
  route: Route<Body, Params, Query, Auth>,
): Route {
  return route;
}

function toHandler(route: Route): RequestHandler {
  return async (request: Request, response: Response, next: NextFunction) => {
    try {
      const auth = route.authenticate ? await route.authenticate(request) : undefined;
      const params = route.params ? parseRequestPart(route.params, request.params, 'params') : request.params;
      const query = route.query ? parseRequestPart(route.query, request.query, 'query') : request.query;
      if (route.headers) parseRequestPart(route.headers, request.headers, 'headers');
      const body = route.body ? parseRequestPart(route.body, request.body ?? {}, 'body') : undefined;
      const result = await route.handle({ body, params, query, auth, request });
      for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, value);
      response.status(result.status ?? 200);
      if (result.body === undefined) response.end();
      else if (result.contentType) response.type(result.contentType).send(result.body);
      else response.json(result.body);
    } catch (error) {
      next(error);
    }
  };
}

export function mountRoutes(router: Router, routes: Route[]): void {
  for (const route of routes)
    router[route.method](
      route.path,
      ...(route.rateLimits ?? []).map((limit) => limit.middleware),
      toHandler(route),
    );
}

const bodyMethods: ReadonlySet<Route['method']> = new Set(['post', 'patch', 'put']);

/** The same problem document for every status the kit itself may answer. */
function problemResponse(description: string): RouteResponse {
  return { description, schema: problemDocumentSchema };
}

/**
 * The problem answers the kit's own middleware can give on a route, whatever the route declares: validation (400),
 * authentication (401), the JSON body reader (400, 413, 415) and rate limiting (429). A route's own description of
 * a status wins.
 */
export function kitResponses(route: Route): Record<number, RouteResponse> {
  const responses: Record<number, RouteResponse> = {};
  const readsBody = bodyMethods.has(route.method);
  if (route.params || route.query || route.headers || route.body || readsBody) {
    responses[400] = problemResponse('The request is not valid: the problem names each field at fault');
  }
  if (route.security) responses[401] = problemResponse('A missing, malformed or unknown API key');
  if (readsBody && !route.rawBody) {
    responses[413] = problemResponse('The body is larger than this endpoint accepts');
    responses[415] = problemResponse('The body is not application/json');
  }
  responses[429] = problemResponse('Too many requests: wait as long as Retry-After says');
  return responses;
}

/**
 * Query and path parameters arrive as text: a coerced number is read from text, so it is never null, and it is
 * required exactly when the route's schema rejects its absence (zod-to-openapi cannot see through coercion).
 */
function fixParameters(operation: { parameters?: unknown[] }, route: Route): void {
  const shapes: Record<string, Record<string, z.ZodType> | undefined> = {
    query: shapeOf(route.query),
    path: shapeOf(route.params),
    header: shapeOf(route.headers),
  };
  for (const parameter of (operation.parameters ?? []) as {
    name: string;
    in: string;
    required?: boolean;
    schema?: { type?: unknown };
  }[]) {
    const field = shapes[parameter.in]?.[parameter.name];
    if (field) parameter.required = !field.safeParse(undefined).success;
    const type = parameter.schema?.type;
    if (Array.isArray(type) && parameter.in !== 'body') {
      const withoutNull = type.filter((name) => name !== 'null');
      parameter.schema!.type = withoutNull.length === 1 ? withoutNull[0] : withoutNull;
    }
  }
}

function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  return (schema as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
}

function responseObject(status: string, { description, schema, contentType, links }: RouteResponse) {
  return {
    description,
    ...(schema
      ? {
          content: {
            [contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json')]: {
              schema,
            },
          },
        }
      : {}),
    ...(links ? { links } : {}),
  };
}

/** The OpenAPI 3.1 document, generated from the very zod schemas that validate the requests. */
export function openApiDocument(
  info: { title: string; version: string; description: string },
  routes: Route[],
) {
  const registry = new OpenAPIRegistry();
  const rateLimitHeaders = {
    'Retry-After': {
      description: 'Seconds to wait before trying again',
      schema: { type: 'integer' as const, minimum: 0 },
    },
    RateLimit: {
      description:
        'The remaining quota of each limit that applies (IETF draft-ietf-httpapi-ratelimit-headers-08)',
      schema: { type: 'string' as const },
    },
    'RateLimit-Policy': {
      description: 'The quota and window of each limit that applies',
      schema: { type: 'string' as const },
    },
  };
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key',
  });
  for (const route of routes) {
    const responses = { ...kitResponses(route), ...route.responses };
    registry.registerPath({
      method: route.method,
      path: openApiPath(route.path),
      summary: route.summary,
      tags: [route.tag],
      ...(route.security === 'bearer' ? { security: [{ bearer: [] }] } : {}),
      // An empty requirement first: anonymous callers are served.
      ...(route.security === 'optional-bearer' ? { security: [{}, { bearer: [] }] } : {}),
      request: {
        ...(route.params ? { params: route.params as unknown as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as unknown as z.ZodObject } : {}),
        ...(route.headers ? { headers: route.headers as unknown as z.ZodObject } : {}),
        ...(route.body
          ? {
              // A request without a body is read as `{}`, so the body is required exactly when `{}` is refused.
              body: {
                required: !route.body.safeParse({}).success,
                content: { 'application/json': { schema: route.body } },
              },
            }
          : {}),
        ...(route.rawBody
          ? {
              body: {
                required: true,
                description: route.rawBody.description,
                content: Object.fromEntries(
                  route.rawBody.contentTypes.map((type) => [
                    type,
                    { schema: { type: 'string', format: 'binary' } },
                  ]),
                ),
              },
            }
          : {}),
      },
      responses: {
        ...Object.fromEntries(
          Object.entries(responses).map(([status, response]) => [status, responseObject(status, response)]),
        ),
        // A limited route names its limits and the headers its 429 carries.
        ...(route.rateLimits?.length
          ? {
              429: {
                description: `Too many requests: ${route.rateLimits.map((limit) => `${limit.description} (${limit.spec.limit} per ${limit.spec.windowMs / 1000} s)`).join('; ')}`,
                headers: rateLimitHeaders,
                content: { 'application/problem+json': { schema: problemDocumentSchema } },
              },
            }
          : {}),
      },
    });
  }
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info });
  for (const route of routes) {
    const operation = (
      document.paths?.[openApiPath(route.path)] as Record<string, { parameters?: unknown[] }> | undefined
    )?.[route.method];
    if (operation) fixParameters(operation, route);
  }
  return document;
}

export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z]+)/g, '{$1}');
}
