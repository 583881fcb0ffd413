import { parseConfig, rateLimitSpec, urlSchema } from '@aid/config';
import { baseServiceConfig } from '@aid/runtime';
import { z } from 'zod';

const donorDataKey = z
  .string({
    error: 'is required: base64 of 32 random bytes, such as the output of `openssl rand -base64 32`',
  })
  .transform((value) => Buffer.from(value, 'base64'))
  .refine((key) => key.length === 32, 'must be base64 of exactly 32 bytes (an AES-256 key)');

export const donationConfigSchema = z.object({
  ...baseServiceConfig,
  PORT: baseServiceConfig.PORT.default(4002),
  DONATION_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('aid_donation'),
  STRIPE_SECRET_KEY: z
    .string({
      error: 'is required, such as sk_test_123 (stripe-mock accepts any test key of letters and digits)',
    })
    .regex(
      /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
      'must be a Stripe secret or restricted key: sk_test_ or sk_live_ then letters and digits',
    ),
  // Unset means the real Stripe API; set it to stripe-mock's URL for local runs and tests.
  STRIPE_API_BASE: urlSchema('http://127.0.0.1:12111').optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string({ error: 'is required: the endpoint signing secret, whsec_...' })
    .regex(/^whsec_\S+$/, 'must be a webhook signing secret starting with whsec_'),
  DONOR_DATA_KEY: donorDataKey,
  // Names this instance's webhook inbox: different for instances running at the same time, the same across one
  // instance's restarts (so it takes up what its previous run left). Host name and port when unset.
  INSTANCE_ID: z
    .string()
    .regex(/^[\w.:-]{1,200}$/, 'must be 1 to 200 letters, digits or . _ : -')
    .optional(),
  // How old another instance's inbox collection must be (past its minute) before this one takes it up: longer than
  // a running instance could take to apply its events, as both would then apply them.
  INBOX_ORPHAN_AFTER_MS: z.coerce.number().int().min(1_000).default(300_000),
  MAX_DONATION_AMOUNT: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(100_000_000),
  // Unset means no receipt emails; smtp://user:pass@host:587 or smtps://... to send them.
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: 'must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.org:587',
    })
    .optional(),
  RECEIPT_FROM: z.string().min(3).default('Diaspora Aid receipts <receipts@diaspora-aid.org>'),
  // The public web front; receipts link to its trace page. Unset means receipts carry no link.
  PUBLIC_WEB_URL: urlSchema('https://give.example.org').optional(),
  /** Wait before the first resend of a receipt the mail server refused; it doubles with each attempt (up to 6 h). */
  RECEIPT_RETRY_MS: z.coerce.number().int().positive().default(30_000),
  // Each donation start creates a Stripe PaymentIntent and hands out its client secret, which is what card
  // testers need: a few per address. A whole campaign stays well above the 500/s it must take.
  RATE_LIMIT_DONATIONS_PER_ADDRESS: rateLimitSpec('20/10m'),
  RATE_LIMIT_DONATIONS_PER_CAMPAIGN: rateLimitSpec('10000/10s'),
  // Reads, cancellations and erasures with a receipt code, per address.
  RATE_LIMIT_RECEIPT_LOOKUPS_PER_ADDRESS: rateLimitSpec('30/1m'),
  // Stripe's events can be large (an invoice with many lines); the other routes keep the default 64 KiB.
  WEBHOOK_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'must be a size such as 1mb or 512kb')
    .default('1mb'),
});

export type DonationConfig = z.infer<typeof donationConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): DonationConfig {
  return parseConfig(donationConfigSchema, env);
}
