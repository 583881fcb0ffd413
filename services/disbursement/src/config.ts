import { parseConfig, portSchema, urlSchema } from '@aid/config';
import { baseServiceConfig } from '@aid/runtime';
import { z } from 'zod';

export const configSchema = z.object({
  ...baseServiceConfig,
  PORT: portSchema.default(4003),
  DISBURSEMENT_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('aid_disbursement'),
  // Optional: without a key only manual payouts (a bank reference) are offered; Stripe Connect answers 422.
  STRIPE_SECRET_KEY: z
    .string()
    .regex(
      /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
      'must be a Stripe secret or restricted key: sk_test_ or sk_live_ then letters and digits',
    )
    .optional(),
  // Unset means the real Stripe API; set it to stripe-mock's URL for local runs and tests.
  STRIPE_API_BASE: urlSchema('http://127.0.0.1:12111').optional(),
  EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
});

export type DisbursementConfig = z.infer<typeof configSchema>;

/** Parsed once at start-up; a bad value stops the process naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): DisbursementConfig {
  return parseConfig(configSchema, env);
}
