import { randomBytes } from 'node:crypto';

export interface TestEndpoints {
  kafkaBrokers: string[];
  mongoUrl: string;
  stripeApiBase: string;
}

/** The infrastructure the global setup made available; a clear message when a test runs without it. */
export function testEndpoints(): TestEndpoints {
  const { KAFKA_BROKERS, MONGO_URL, STRIPE_API_BASE } = process.env;
  if (!KAFKA_BROKERS || !MONGO_URL || !STRIPE_API_BASE) {
    throw new Error(
      'integration tests need KAFKA_BROKERS, MONGO_URL and STRIPE_API_BASE; run them through `npm test` or add @aid/test-kit/global-setup to the vitest globalSetup',
    );
  }
  return { kafkaBrokers: KAFKA_BROKERS.split(','), mongoUrl: MONGO_URL, stripeApiBase: STRIPE_API_BASE };
}

/** A name no other test run uses: databases and consumer groups are isolated per test file. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
