import { z } from 'zod';

/** The benchmark's settings: the same infrastructure variables the services and tests use. */
const benchConfigSchema = z.object({
  MONGO_URL: z.string({ error: 'is required: the database to benchmark against' }).min(1),
  KAFKA_BROKERS: z.string({ error: 'is required: the gifts travel to the in-process ledger over Kafka' }).min(1),
  STRIPE_API_BASE: z.url().default('http://127.0.0.1:12111'),
  BENCH_SECONDS: z.coerce.number().positive().default(15),
  BENCH_CONCURRENCY: z.coerce.number().int().positive().default(32),
  BENCH_DONATIONS: z.coerce.number().int().positive().default(12_000),
});

export type BenchConfig = z.infer<typeof benchConfigSchema>;

export function loadBenchConfig(): BenchConfig {
  const parsed = benchConfigSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
  return parsed.data;
}
