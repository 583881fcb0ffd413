import type { ConfigError } from '@aid/config';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const env = (overrides: Record<string, string | undefined> = {}) => ({
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGO_URL: 'mongodb://127.0.0.1:27017/?directConnection=true',
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRET: 'whsec_abc',
  DONOR_DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
  ...overrides,
});

function problems(values: Record<string, string | undefined>): string[] {
  try {
    loadConfig(values);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('donation config', () => {
  it('when only the required variables are set, then the defaults are port 4002, real Stripe and a 1,000,000.00 ceiling', () => {
    const config = loadConfig(env());
    expect(config).toMatchObject({ PORT: 4002, MAX_DONATION_AMOUNT: 100_000_000 });
    expect(config.STRIPE_API_BASE).toBeUndefined();
    expect(config.DONOR_DATA_KEY).toHaveLength(32);
  });

  it.each([
    ['STRIPE_SECRET_KEY', undefined],
    ['STRIPE_SECRET_KEY', 'pk_test_123'],
    ['STRIPE_WEBHOOK_SECRET', 'secret'],
    ['DONOR_DATA_KEY', Buffer.alloc(16).toString('base64')],
    ['STRIPE_API_BASE', 'not a url'],
    ['MAX_DONATION_AMOUNT', '12.5'],
    ['SMTP_URL', 'http://mail.example.org'],
  ])('when %s is %j, then start-up stops naming it', (name, value) => {
    expect(problems(env({ [name]: value })).join('\n')).toContain(name);
  });
});
