import { z } from 'zod';

// 0 asks the system for a free port (tests run services side by side).
const port = z.coerce.number().int().min(0).max(65535);

const url = (example: string) => z.url({ error: `must be a URL such as ${example}` });

/** Fragments every service composes into its own schema (see each service's config.ts). */
export const httpConfig = {
  HOST: z.string().default('127.0.0.1'),
  PORT: port,
};

export const kafkaConfig = {
  KAFKA_BROKERS: z
    .string({ error: 'is required: comma-separated host:port list such as 127.0.0.1:9092' })
    .transform((value) =>
      value
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1)),
  KAFKA_CLIENT_ID: z.string().optional(),
};

export const mongoConfig = {
  MONGO_URL: z
    .string({ error: 'is required, such as mongodb://127.0.0.1:27017/?directConnection=true' })
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://'),
};

export const telemetryConfig = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url('http://127.0.0.1:4318').optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
};

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1');

export { port as portSchema, url as urlSchema };

const windowUnits = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * A rate limit as `<requests>/<window>`, the window in seconds, minutes or hours (`20/10m`: 20 requests per 10
 * minutes, counted in fixed windows), up to a day.
 */
export const rateLimitSpec = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const match = /^\s*(\d{1,9})\s*\/\s*(\d{1,5})\s*([smh])\s*$/.exec(value);
      const limit = Number(match?.[1]);
      const windowMs = Number(match?.[2]) * windowUnits[(match?.[3] ?? 's') as keyof typeof windowUnits];
      if (!match || limit < 1 || windowMs < 1_000 || windowMs > 86_400_000) {
        context.addIssue({
          code: 'custom',
          message: `must be <requests>/<window> such as ${fallback} (window in s, m or h, at most 24h)`,
        });
        return z.NEVER;
      }
      return { limit, windowMs };
    });

/**
 * Which proxies in front may set X-Forwarded-For (express's `trust proxy`): `false` (default: the peer address
 * is the client), a number of hops, or a comma-separated list of addresses, subnets or `loopback`,
 * `linklocal`, `uniquelocal`. Trusting every proxy (`true`) is refused: any client could then pick its address.
 */
export const trustProxyConfig = {
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, context): false | number | string[] => {
      const trimmed = value.trim();
      if (trimmed === 'false' || trimmed === '') return false;
      if (/^\d{1,2}$/.test(trimmed)) return Number(trimmed);
      const entries = trimmed.split(',').map((entry) => entry.trim());
      if (
        entries.every((entry) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/.test(entry))
      )
        return entries;
      context.addIssue({
        code: 'custom',
        message: "must be false, a number of proxy hops, or addresses/subnets such as 'loopback, 10.0.0.0/8'",
      });
      return z.NEVER;
    }),
};
