import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@aid/test-kit/global-setup'],
    // Integration tests share one broker and database server; running files one at a time keeps timings honest.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
