import { parseConfig } from '@aid/config';
import { baseServiceConfig } from '@aid/runtime';
import { z } from 'zod';

export const ledgerConfigSchema = z.object({
  ...baseServiceConfig,
  PORT: baseServiceConfig.PORT.default(4004),
  LEDGER_DB_NAME: z.string().default('aid_ledger'),
});

export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;

export function loadLedgerConfig(env: Record<string, string | undefined> = process.env): LedgerConfig {
  return parseConfig(ledgerConfigSchema, env);
}
