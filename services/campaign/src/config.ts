import { parseConfig, portSchema, rateLimitSpec, urlSchema } from '@aid/config';
import { baseServiceConfig } from '@aid/runtime';
import { z } from 'zod';

export const campaignConfigSchema = z.object({
  ...baseServiceConfig,
  PORT: portSchema.default(4001),
  CAMPAIGN_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('aid_campaign'),
  // Creates organizations, so it must be a real secret: 32 characters at least rules out passwords typed by hand.
  PLATFORM_ADMIN_KEY: z
    .string({ error: 'is required: the platform administrator key, at least 32 characters' })
    .min(32, 'must be at least 32 characters'),
  /**
   * Base64 of the 32-byte Ed25519 seed that signs people's session tokens (the other services check them with
   * its public key, SESSION_VERIFY_KEY). Without it nobody can sign in to the console; API keys still work.
   */
  SESSION_SIGNING_KEY: z
    .string()
    .refine(
      (value) => Buffer.from(value, 'base64').length === 32,
      'must be base64 of exactly 32 bytes (openssl rand -base64 32)',
    )
    .optional(),
  /** Where sign-in links and invitations are sent from (smtp:// or smtps://); without it none are sent. */
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: 'must be an smtp:// or smtps:// URL, such as smtp://user:password@mail.example.org:587',
    })
    .optional(),
  SIGN_IN_FROM: z.string().min(3).default('Diaspora Aid <sign-in@diaspora-aid.org>'),
  /** The web console's address, for the links in sign-in and invitation emails. */
  PUBLIC_WEB_URL: urlSchema('https://give.example.org').default('http://localhost:4000'),
  // Sign-in links asked for, per client address and per email address: enough for a person who mistypes, too
  // few to flood someone's mailbox or to probe addresses.
  RATE_LIMIT_SIGN_IN_PER_ADDRESS: rateLimitSpec('10/15m'),
  RATE_LIMIT_SIGN_IN_PER_EMAIL: rateLimitSpec('5/1h'),
  // Applications to join are public writes: a few per client address (an office behind one address may send
  // several), and enough document uploads for them (5 each), too few to fill the database with strangers' files.
  RATE_LIMIT_APPLICATIONS_PER_ADDRESS: rateLimitSpec('5/1h'),
  RATE_LIMIT_APPLICATION_DOCUMENTS_PER_ADDRESS: rateLimitSpec('30/1h'),
});

export type CampaignConfig = z.infer<typeof campaignConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): CampaignConfig {
  return parseConfig(campaignConfigSchema, env);
}
