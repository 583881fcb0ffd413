import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts', 'src/**/*.int.test.ts'] } },
      // The console against the real services in-process: Kafka and the database from the environment, or started.
      { extends: true, test: { name: 'integration', include: ['src/**/*.int.test.ts'], globalSetup: ['@aid/test-kit/global-setup'] } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.ts'],
          // Real Kafka and database for the in-process ledger, and Debian's Chromium (installed when missing).
          globalSetup: ['@aid/test-kit/global-setup', './src/test-support/chromium.global-setup.ts'],
          // A first run on a fresh machine installs Chromium with apt-get before the first test.
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
