import {
  httpConfig,
  parseConfig,
  portSchema,
  telemetryConfig,
  trustProxyConfig,
  urlSchema,
} from '@aid/config';
import { z } from 'zod';

export const webConfigSchema = z
  .object({
    ...httpConfig,
    ...telemetryConfig,
    ...trustProxyConfig,
    PORT: httpConfig.PORT.default(4000),
    // Prometheus metrics, as the other services serve them: apart from the site, on this port (default PORT + 100)
    // and address, and only with `Authorization: Bearer <METRICS_TOKEN>` when that is set.
    METRICS_PORT: portSchema.optional(),
    METRICS_HOST: z.string().default('127.0.0.1'),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LEDGER_URL: urlSchema('http://127.0.0.1:4004').default('http://127.0.0.1:4004'),
    DONATION_URL: urlSchema('http://127.0.0.1:4002').default('http://127.0.0.1:4002'),
    CAMPAIGN_URL: urlSchema('http://127.0.0.1:4001').default('http://127.0.0.1:4001'),
    DISBURSEMENT_URL: urlSchema('http://127.0.0.1:4003').default('http://127.0.0.1:4003'),
    /** The address donors reach this site at; Stripe sends them back here after a card check. Else the request's own. */
    PUBLIC_WEB_URL: urlSchema('https://give.example.org').optional(),
    /**
     * `stripe`: donors enter their card in Stripe's Payment Element (needs STRIPE_PUBLISHABLE_KEY; without it the
     * site shows the record but takes no gifts). `test`: a visibly labelled test mode that offers Stripe's test
     * cards and confirms them with a test secret key, for local runs and demos; it never takes a live key.
     */
    PAYMENTS_MODE: z.enum(['stripe', 'test']).default('stripe'),
    STRIPE_PUBLISHABLE_KEY: z
      .string()
      .regex(/^pk_(live|test)_[A-Za-z0-9]+$/, 'must be a Stripe publishable key (pk_live_… or pk_test_…)')
      .optional(),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_API_BASE: urlSchema('http://127.0.0.1:4010').optional(),
    /** Signs the forms' anti-forgery tokens (32 bytes or more, base64). Without it a random one per start. */
    WEB_FORM_SECRET: z
      .string()
      .refine(
        (value) => Buffer.from(value, 'base64').length >= 32,
        'must be at least 32 random bytes, base64-encoded',
      )
      .optional(),
  })
  .superRefine((config, context) => {
    if (config.PAYMENTS_MODE !== 'test') return;
    // Test mode confirms cards on the server: only ever with a test key, so no real card can be charged through it.
    if (!config.STRIPE_SECRET_KEY?.startsWith('sk_test_')) {
      context.addIssue({
        code: 'custom',
        path: ['STRIPE_SECRET_KEY'],
        message: 'PAYMENTS_MODE=test needs a Stripe test secret key (sk_test_…), never a live one',
      });
    }
  });

export type WebConfig = z.infer<typeof webConfigSchema>;

export function loadWebConfig(env: Record<string, string | undefined> = process.env): WebConfig {
  return parseConfig(webConfigSchema, env);
}
