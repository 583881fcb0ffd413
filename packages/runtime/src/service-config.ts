import { httpConfig, kafkaConfig, mongoConfig, telemetryConfig } from '@aid/config';
import { z } from 'zod';

/** What every service needs to run; services extend it with their own variables. */
export const baseServiceConfig = {
  ...httpConfig,
  ...kafkaConfig,
  ...mongoConfig,
  ...telemetryConfig,
};

export interface ServiceRuntimeConfig {
  HOST: string;
  PORT: number;
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string | undefined;
  MONGO_URL: string;
  LOG_LEVEL: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
}

export const baseServiceConfigSchema = z.object(baseServiceConfig);
