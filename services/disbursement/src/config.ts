import { parseConfig, portSchema } from '@aid/config';
import { baseServiceConfig } from '@aid/runtime';
import { z } from 'zod';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: portSchema.default(4003),
  DISBURSEMENT_DB_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default('aid_disbursement'),
});

export type DisbursementConfig = z.infer<typeof configSchema>;

/** Parsed once at start-up; a bad value stops the process naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): DisbursementConfig {
  return parseConfig(configSchema, env);
}
