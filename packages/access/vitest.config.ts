import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { globalSetup: ['@aid/test-kit/global-setup'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 },
});
