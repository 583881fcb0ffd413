import { createHash } from 'node:crypto';
import type { Logger } from '@aid/telemetry';
import type { Request, RequestHandler } from 'express';
import {
  ipKeyGenerator,
  rateLimit as expressRateLimit,
  type ClientRateLimitInfo,
  type Options,
  type Store,
} from 'express-rate-limit';
import { HttpProblem } from './problem.ts';

/** How many requests a limit lets through per fixed window. */
export interface RateLimitSpec {
  limit: number;
  windowMs: number;
}

/**
 * Counters shared by every instance of a service (its database), so a limit holds however many instances run.
 * `@aid/store`'s `createRateLimitCounters` is the implementation; tests may use any other.
 */
export interface SharedCounters {
  increment(limiter: string, key: string, windowMs: number): Promise<{ hits: number; resetAt: Date }>;
  decrement(limiter: string, key: string, windowMs: number): Promise<void>;
  get(limiter: string, key: string, windowMs: number): Promise<{ hits: number; resetAt: Date }>;
  reset(limiter: string, key: string, windowMs: number): Promise<void>;
}

/** A limit as a route carries it: the middleware, and what the OpenAPI document says about it. */
export interface RouteRateLimit {
  name: string;
  spec: RateLimitSpec;
  description: string;
  middleware: RequestHandler;
}

/** What a limit counts by: a key for this request, or undefined when the limit does not apply to it. */
export type RateLimitKey = (request: Request) => string | undefined;

/**
 * The caller's address as the limits count it: `req.ip` (which follows the app's `trust proxy` setting), IPv6
 * grouped by /64, since one subscriber usually holds a whole /64 and could otherwise step through it.
 */
export function clientAddress(request: Request): string {
  return ipKeyGenerator(request.ip ?? request.socket.remoteAddress ?? 'unknown', 64);
}

/** A hash of the bearer key sent, so counters never hold a key (valid or not) in the clear; undefined without one. */
export function presentedKeyOf(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ? createHash('sha256').update(match[1]).digest('base64url') : undefined;
}

function describeWindow(windowMs: number): string {
  const seconds = Math.round(windowMs / 1000);
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? 'second' : `${seconds} seconds`;
}

/** express-rate-limit's store over the shared counters; `peek` counts nothing (failures are counted apart). */
class SharedCounterStore implements Store {
  localKeys = false;
  prefix: string;
  private windowMs: number;
  private readonly counters: SharedCounters;
  private readonly peek: boolean;

  constructor(counters: SharedCounters, name: string, windowMs: number, peek: boolean) {
    this.counters = counters;
    this.prefix = name;
    this.windowMs = windowMs;
    this.peek = peek;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    // A peek answers as if this request were counted, so the limit refuses once `limit` failures are recorded.
    const { hits, resetAt } = this.peek
      ? await this.counters.get(this.prefix, key, this.windowMs)
      : await this.counters.increment(this.prefix, key, this.windowMs);
    return { totalHits: this.peek ? hits + 1 : hits, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    if (!this.peek) await this.counters.decrement(this.prefix, key, this.windowMs);
  }

  async get(key: string): Promise<ClientRateLimitInfo> {
    const { hits, resetAt } = await this.counters.get(this.prefix, key, this.windowMs);
    return { totalHits: hits, resetTime: resetAt };
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.reset(this.prefix, key, this.windowMs);
  }
}

interface LimitOptions {
  /** Names the policy in the `RateLimit` headers and its counters; unique within the service. */
  name: string;
  spec: RateLimitSpec;
  counters: SharedCounters;
  key: RateLimitKey;
  /** What is limited, for people: "donations started from one address". */
  description: string;
  logger: Logger;
}

function limiterOf(options: LimitOptions, peek: boolean): RequestHandler {
  const { name, spec, logger } = options;
  const property = `rateLimit:${name}`;
  return expressRateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    store: new SharedCounterStore(options.counters, name, spec.windowMs, peek),
    // IETF RateLimit and RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers-08), plus Retry-After on a 429.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    requestPropertyName: property,
    keyGenerator: (request) => options.key(request) ?? '',
    skip: (request) => options.key(request) === undefined,
    // The database being down fails the request's own work anyway; the limit does not add a second failure.
    passOnStoreError: true,
    logger: {
      warn: (...args: unknown[]) => logger.warn({ args }, 'rate limit'),
      error: (error: unknown, message?: string) =>
        logger.error({ err: error, limit: name }, message ?? 'rate limit store failed'),
    },
    // The keys are computed here (addresses through clientAddress), so the library's checks of its own key need not run.
    validate: false,
    handler: (request, _response, next) => {
      const info = (request as unknown as Record<string, { resetTime?: Date } | undefined>)[property];
      const seconds = Math.max(
        1,
        Math.ceil(((info?.resetTime?.getTime() ?? Date.now() + spec.windowMs) - Date.now()) / 1000),
      );
      next(
        new HttpProblem(
          429,
          'too-many-requests',
          `too many ${options.description}: at most ${spec.limit} per ${describeWindow(spec.windowMs)}; try again in ${seconds} s`,
        ),
      );
    },
  });
}

/** A limit on every request it keys (fixed windows, counted in the shared counters). */
export function rateLimit(options: LimitOptions): RouteRateLimit {
  return {
    name: options.name,
    spec: options.spec,
    description: options.description,
    middleware: limiterOf(options, false),
  };
}

/**
 * A limit on failed attempts (by default, answers 401): each failure is counted just before its answer goes, and
 * after `limit` failures in a window the key gets 429 before its credentials are even looked at. Successful
 * requests cost one read of the counter and no write. Used for bad API keys; a sign-in form uses it with the
 * account as key and its own idea of failure.
 */
export function failedAttemptsLimit(
  options: LimitOptions & { failed?: (status: number) => boolean },
): RouteRateLimit {
  const failed = options.failed ?? ((status: number) => status === 401);
  const limiter = limiterOf(options, true);
  const middleware: RequestHandler = (request, response, next) => {
    const key = options.key(request);
    if (key !== undefined) {
      // The failure is counted before its answer leaves, so the caller's next attempt already sees it.
      const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
      response.end = ((...args: unknown[]) => {
        if (!failed(response.statusCode)) return end(...args);
        options.counters
          .increment(options.name, key, options.spec.windowMs)
          .catch((error: unknown) =>
            options.logger.error({ err: error, limit: options.name }, 'failed attempt not counted'),
          )
          .finally(() => end(...args));
        return response;
      }) as typeof response.end;
    }
    void limiter(request, response, next);
  };
  return { name: options.name, spec: options.spec, description: options.description, middleware };
}

/** Failed authentication, limited per caller address and per key presented: what every authenticated route gets. */
export function authenticationFailureLimits(options: {
  counters: SharedCounters;
  perAddress: RateLimitSpec;
  perKey: RateLimitSpec;
  logger: Logger;
}): RouteRateLimit[] {
  const { counters, logger } = options;
  return [
    failedAttemptsLimit({
      name: 'auth-failures-per-address',
      spec: options.perAddress,
      counters,
      logger,
      key: clientAddress,
      description: 'failed authentications from this address',
    }),
    failedAttemptsLimit({
      name: 'auth-failures-per-key',
      spec: options.perKey,
      counters,
      logger,
      key: presentedKeyOf,
      description: 'failed authentications with this key',
    }),
  ];
}
