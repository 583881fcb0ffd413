import { mongoConfig, parseConfig } from '@aid/config';
import { z } from 'zod';

/** The benchmark's settings: the database to count in, how many requests, how many at a time. */
export const benchConfig = parseConfig(
  z.object({
    ...mongoConfig,
    BENCH_REQUESTS: z.coerce.number().int().positive().default(3_000),
    BENCH_CONCURRENCY: z.coerce.number().int().positive().default(32),
  }),
  process.env,
);
