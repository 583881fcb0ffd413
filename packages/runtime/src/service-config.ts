import {
  httpConfig,
  kafkaConfig,
  mongoConfig,
  portSchema,
  rateLimitSpec,
  telemetryConfig,
  trustProxyConfig,
} from '@aid/config';
import type { RateLimitSpec } from '@aid/http-kit';
import type { StartPosition } from '@aid/bus';
import { z } from 'zod';

/** What every service needs to run; services extend it with their own variables. */
export const baseServiceConfig = {
  ...httpConfig,
  // Lets tests and side-by-side deployments keep their consumer groups apart on one cluster.
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  // Where a new consumer group starts: the whole history (a projection's normal start), only new events, or the
  // first event published at or after an ISO 8601 time (a replay into an empty database from a date). A group
  // that already has committed offsets always goes on from them.
  KAFKA_START_AT: z
    .union([
      z.enum(['beginning', 'end']),
      z.iso.datetime({
        offset: true,
        error: "must be 'beginning', 'end' or an ISO 8601 time such as 2026-01-02T00:00:00Z",
      }),
    ])
    .default('beginning')
    .transform((value): StartPosition =>
      value === 'beginning' || value === 'end' ? value : new Date(value),
    ),
  // How long a consumer group waits for a member that died without leaving before it hands its partitions to
  // the others. Kafka's default bounds are 6 s to 300 s.
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  ...kafkaConfig,
  ...mongoConfig,
  // Connections for reads that may run side by side (public pages), beside the one that writes; 0 shares that one.
  // Only a local FerretDB needs it: a MongoDB connection already has a pool.
  MONGO_READ_POOL_SIZE: z.coerce.number().int().min(0).max(64).default(4),
  ...telemetryConfig,
  ...trustProxyConfig,
  // Prometheus metrics are served apart from the API: on this port (default PORT + 100; a free port when PORT is 0)
  // and address (default loopback), and only with `Authorization: Bearer <METRICS_TOKEN>` when that is set.
  METRICS_PORT: portSchema.optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Failed authentications (401) allowed per window, per client address and per key presented; then 429.
  RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: rateLimitSpec('20/15m'),
  RATE_LIMIT_AUTH_FAILURES_PER_KEY: rateLimitSpec('10/15m'),
  // The public key (base64 of 32 bytes, Ed25519) that people's session tokens are checked with; the campaign
  // service signs them. Without it a service takes API keys only.
  SESSION_VERIFY_KEY: z
    .string()
    .refine(
      (value) => Buffer.from(value, 'base64').length === 32,
      'must be base64 of a 32-byte Ed25519 public key',
    )
    .optional(),
};

export interface ServiceRuntimeConfig {
  HOST: string;
  PORT: number;
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string | undefined;
  KAFKA_GROUP_PREFIX: string;
  KAFKA_START_AT: StartPosition;
  KAFKA_SESSION_TIMEOUT_MS: number;
  MONGO_URL: string;
  MONGO_READ_POOL_SIZE?: number;
  LOG_LEVEL: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  TRUST_PROXY?: false | number | string[];
  METRICS_PORT?: number | undefined;
  METRICS_HOST?: string;
  METRICS_TOKEN?: string | undefined;
  RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS?: RateLimitSpec;
  RATE_LIMIT_AUTH_FAILURES_PER_KEY?: RateLimitSpec;
}

export const baseServiceConfigSchema = z.object(baseServiceConfig);
