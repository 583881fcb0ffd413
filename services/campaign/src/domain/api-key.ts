import { randomBytes } from 'node:crypto';
import { apiKeyHash } from '@aid/contracts';

export const apiKeyPrefix = 'aid_';

/** A fresh member key: 256 random bits, base64url, prefixed so secret scanners and people recognise it. */
export function newApiKey(): { apiKey: string; apiKeyHash: string } {
  const apiKey = `${apiKeyPrefix}${randomBytes(32).toString('base64url')}`;
  return { apiKey, apiKeyHash: apiKeyHash(apiKey) };
}
