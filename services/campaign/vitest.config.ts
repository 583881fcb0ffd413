import { testTiers } from '@aid/test-kit/test-tiers';
import { defineConfig } from 'vitest/config';

// Unit tests (`--project unit`) run without infrastructure; integration tests against the shared broker and database.
export default defineConfig(testTiers());
