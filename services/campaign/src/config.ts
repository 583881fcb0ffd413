import { parseConfig, portSchema } from '@aid/config';
import { baseServiceConfig } from '@aid/runtime';
import { z } from 'zod';

export const campaignConfigSchema = z.object({
  ...baseServiceConfig,
  PORT: portSchema.default(4001),
  CAMPAIGN_DB_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/).default('aid_campaign'),
  // Creates organizations, so it must be a real secret: 32 characters at least rules out passwords typed by hand.
  PLATFORM_ADMIN_KEY: z
    .string({ error: 'is required: the platform administrator key, at least 32 characters' })
    .min(32, 'must be at least 32 characters'),
});

export type CampaignConfig = z.infer<typeof campaignConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): CampaignConfig {
  return parseConfig(campaignConfigSchema, env);
}
