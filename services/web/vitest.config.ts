import { testTiers } from '@aid/test-kit/test-tiers';
import { defineConfig } from 'vitest/config';

// Unit tests (`--project unit`) run without infrastructure; integration tests run the console against the real
// services, started as processes (Kafka and the database from the environment, or started).
export default defineConfig(
  testTiers([
    {
      test: {
        name: 'browser',
        include: ['src/**/*.browser.test.ts'],
        // Real Kafka and database for the ledger the tests start as a process, and Debian's Chromium (installed when missing).
        globalSetup: ['@aid/test-kit/global-setup', './src/test-support/chromium.global-setup.ts'],
        // A first run on a fresh machine installs Chromium with apt-get before the first test.
        hookTimeout: 120_000,
      },
    },
  ]),
);
