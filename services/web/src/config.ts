import { httpConfig, parseConfig, telemetryConfig, trustProxyConfig, urlSchema } from '@aid/config';
import { z } from 'zod';

export const webConfigSchema = z.object({
  ...httpConfig,
  ...telemetryConfig,
  ...trustProxyConfig,
  PORT: httpConfig.PORT.default(4000),
  LEDGER_URL: urlSchema('http://127.0.0.1:4004').default('http://127.0.0.1:4004'),
  DONATION_URL: urlSchema('http://127.0.0.1:4002').default('http://127.0.0.1:4002'),
});

export type WebConfig = z.infer<typeof webConfigSchema>;

export function loadWebConfig(env: Record<string, string | undefined> = process.env): WebConfig {
  return parseConfig(webConfigSchema, env);
}
