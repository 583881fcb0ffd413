import { z } from 'zod';

/** The benchmark's settings: the same infrastructure variables the services and tests use. */
const benchConfigSchema = z.object({
  MONGO_URL: z.string({ error: 'is required: the database to benchmark against' }).min(1),
  KAFKA_BROKERS: z
    .string({ error: 'is required: the gifts travel to the in-process ledger over Kafka' })
    .min(1),
  STRIPE_API_BASE: z.url().default('http://127.0.0.1:12111'),
  BENCH_SECONDS: z.coerce.number().positive().default(30),
  /** Webhooks offered per second, on a fixed schedule whatever the answers take (an open loop, as Stripe sends). */
  BENCH_RATE: z.coerce.number().positive().default(500),
  /** Requests in flight at most; a schedule that finds them all busy counts as falling behind. */
  BENCH_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(512),
  /** Donations created through POST /v1/donations (stripe-mock); the rest are seeded through the store. */
  BENCH_API_DONATIONS: z.coerce.number().int().nonnegative().default(300),
  BENCH_CONCURRENCY: z.coerce.number().int().positive().default(32),
  /** Also run the ledger in-process and wait until its public summary counts every gift. */
  BENCH_LEDGER: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
});

export type BenchConfig = z.infer<typeof benchConfigSchema>;

export function loadBenchConfig(): BenchConfig {
  const parsed = benchConfigSchema.safeParse(process.env);
  if (!parsed.success)
    throw new Error(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  return parsed.data;
}
