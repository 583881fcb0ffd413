import { fileURLToPath } from 'node:url';
import { startTestInfra, type RunningInfra } from '@aid/local-infra';

let infra: RunningInfra | undefined;

/**
 * vitest globalSetup for integration tests. Uses the environment's infrastructure when given (`npm test`
 * starts it once for the whole run and passes KAFKA_BROKERS, MONGO_URL, STRIPE_API_BASE); otherwise starts the
 * local test profile, so `pnpm vitest` inside one package works on its own.
 */
export async function setup(): Promise<void> {
  if (process.env.KAFKA_BROKERS && process.env.MONGO_URL && process.env.STRIPE_API_BASE) return;
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  infra = await startTestInfra({ root, log: (line) => console.log(line) });
  process.env.KAFKA_BROKERS ??= infra.endpoints.kafkaBrokers;
  process.env.MONGO_URL ??= infra.endpoints.mongoUrl;
  process.env.STRIPE_API_BASE ??= infra.endpoints.stripeApiBase;
}

export async function teardown(): Promise<void> {
  await infra?.stop();
}
