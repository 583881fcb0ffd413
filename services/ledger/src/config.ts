import { booleanFlag, parseConfig, rateLimitSpec } from '@aid/config';
import { baseServiceConfig } from '@aid/runtime';
import { z } from 'zod';

export const ledgerConfigSchema = z.object({
  ...baseServiceConfig,
  PORT: baseServiceConfig.PORT.default(4004),
  LEDGER_DB_NAME: z.string().default('aid_ledger'),
  /** Names this ledger in its checkpoints; each campaign's log is `<origin>/campaigns/<id>`. */
  LEDGER_ORIGIN: z
    .string()
    .regex(/^[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/, 'must look like host/path, e.g. ledger.diaspora-aid.org')
    .default('ledger.diaspora-aid.localhost'),
  /** Base64 of the 32-byte Ed25519 seed that signs checkpoints; npm start generates one into .local/config.env. */
  LEDGER_SIGNING_KEY: z
    .string({ error: 'is required: base64 of a 32-byte Ed25519 seed (openssl rand -base64 32)' })
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be base64 of exactly 32 bytes'),
  /**
   * The IATI organisation identifier of the publisher of the open-data export. The default is a placeholder
   * (XI- is the IATI-assigned prefix; this one is not registered): set the platform's registered identifier.
   */
  LEDGER_IATI_PUBLISHER_REF: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an IATI organisation identifier such as XM-DAC-41114')
    .default('XI-DIASPORA-AID'),
  LEDGER_IATI_PUBLISHER_NAME: z.string().min(1).default('Diaspora Aid platform'),
  /** The services whose own totals the reconciliation compares with the ledger's; without both it is off. */
  DONATION_URL: z.url().optional(),
  DISBURSEMENT_URL: z.url().optional(),
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** How long a difference may last before it is reported: events in flight make figures differ for a moment. */
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(5_000),
  /** Traces by receipt code per client address (the web's trace form counts here too, by its visitor's address). */
  RATE_LIMIT_TRACE_PER_ADDRESS: rateLimitSpec('30/1m'),
  /**
   * Whether start-up writes, in the background, the entry bundles missing below the logs' heads (entries appended
   * before bundles existed). Off leaves them read from their own documents, more slowly; the scale benchmark
   * turns it off to measure a ledger from before bundles.
   */
  ENTRY_BUNDLE_SWEEP: booleanFlag(true),
  /** On-demand checks (`?fresh=true`) for all callers together; the latest report is always served. */
  RATE_LIMIT_RECONCILIATION_FRESH: rateLimitSpec('6/1m'),
});

export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;

export function loadLedgerConfig(env: Record<string, string | undefined> = process.env): LedgerConfig {
  return parseConfig(ledgerConfigSchema, env);
}
