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
  /** Runs before validation; resolves the caller or throws a 401/403 problem. */
  authenticate?: (request: Request) => Promise<Auth>;
  security?: 'bearer';
  /** Limits checked before anything else of the route runs; each can answer 429. */
  rateLimits?: RouteRateLimit[];
  /** The JSON body limit of this route, when the app's default does not fit (e.g. `1mb`). */
  bodyLimit?: string;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  handle(input: RouteInput<Body, Params, Query, Auth>): Promise<RouteResult>;
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
  for (const route of routes) router[route.method](route.path, ...(route.rateLimits ?? []).map((limit) => limit.middleware), toHandler(route));
}

/** The OpenAPI 3.1 document, generated from the very zod schemas that validate the requests. */
export function openApiDocument(info: { title: string; version: string; description: string }, routes: Route[]) {
  const registry = new OpenAPIRegistry();
  const rateLimitHeaders = {
    'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' as const, minimum: 0 } },
    RateLimit: { description: 'The remaining quota of each limit that applies (IETF draft-ietf-httpapi-ratelimit-headers-08)', schema: { type: 'string' as const } },
    'RateLimit-Policy': { description: 'The quota and window of each limit that applies', schema: { type: 'string' as const } },
  };
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'API key' });
  for (const route of routes) {
    registry.registerPath({
      method: route.method,
      path: route.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      summary: route.summary,
      tags: [route.tag],
      ...(route.security ? { security: [{ [route.security]: [] }] } : {}),
      request: {
        ...(route.params ? { params: route.params as unknown as z.ZodObject } : {}),
        ...(route.query ? { query: route.query as unknown as z.ZodObject } : {}),
        ...(route.body ? { body: { content: { 'application/json': { schema: route.body } } } } : {}),
      },
      responses: {
        ...Object.fromEntries(
          Object.entries(route.responses).map(([status, { description, schema, contentType }]) => [
            status,
            {
              description,
              ...(schema ? { content: { [contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json')]: { schema } } } : {}),
            },
          ]),
        ),
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
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info });
}
