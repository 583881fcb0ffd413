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
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean))
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
