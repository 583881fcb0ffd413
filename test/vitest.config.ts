import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@aid/test-kit/global-setup', './src/services.global-setup.ts'],
    include: ['src/**/*.e2e.test.ts'],
    fileParallelism: false,
    // The services that tests run in this process get the OpenTelemetry instrumentations as each main.ts does.
    execArgv: ['--import', '@aid/telemetry/register'],
    setupFiles: ['./src/harness/express-through-require.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
