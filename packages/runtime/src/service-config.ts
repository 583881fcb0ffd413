import { httpConfig, kafkaConfig, mongoConfig, telemetryConfig } from '@aid/config';
import { z } from 'zod';

/** What every service needs to run; services extend it with their own variables. */
export const baseServiceConfig = {
  ...httpConfig,
  // Lets tests and side-by-side deployments keep their consumer groups apart on one cluster.
  KAFKA_GROUP_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(''),
  // Where a new consumer group starts: the whole history (a projection's normal start) or only new events.
  KAFKA_START_AT: z.enum(['beginning', 'end']).default('beginning'),
  ...kafkaConfig,
  ...mongoConfig,
  ...telemetryConfig,
};

export interface ServiceRuntimeConfig {
  HOST: string;
  PORT: number;
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string | undefined;
  KAFKA_GROUP_PREFIX: string;
  KAFKA_START_AT: 'beginning' | 'end';
  MONGO_URL: string;
  LOG_LEVEL: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}

export const baseServiceConfigSchema = z.object(baseServiceConfig);
