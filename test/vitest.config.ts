import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@aid/test-kit/global-setup', './src/services.global-setup.ts'],
    include: ['src/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
