import { z } from 'zod';

/** The benchmark's settings: the same infrastructure variables the services and tests use. */
const benchConfigSchema = z.object({
  MONGO_URL: z
    .string({
      error:
        'is required: the database to benchmark against (e.g. mongodb://127.0.0.1:27017/?directConnection=true)',
    })
    .min(1),
  KAFKA_BROKERS: z
    .string({ error: 'is required: the in-process ledger for the summary benchmark starts its consumers' })
    .min(1),
  BENCH_APPEND_SECONDS: z.coerce.number().positive().default(10),
  // Group sizes of (a): a partition's batch as the consumer hands it over (at most 1,000 events).
  BENCH_GROUP_SIZES: z
    .string()
    .default('100,500,1000')
    .transform((value) => value.split(',').map(Number))
    .refine(
      (sizes) => sizes.every((size) => Number.isInteger(size) && size > 0),
      'must be whole numbers separated by commas',
    ),
  // Which parts to run, e.g. `summary` alone while tuning it.
  BENCH_PARTS: z
    .string()
    .default('appends,kafka,proofs,summary')
    .transform((value) => new Set(value.split(',').map((part) => part.trim()))),
  BENCH_KAFKA_EVENTS: z.coerce.number().int().positive().default(50_000),
  BENCH_DB_TREE_SECONDS: z.coerce.number().positive().default(60),
  BENCH_DB_PROOF_SECONDS: z.coerce.number().positive().default(30),
  BENCH_VIEWER_SECONDS: z.coerce.number().positive().default(10),
});

export type BenchConfig = z.infer<typeof benchConfigSchema>;

export function loadBenchConfig(): BenchConfig {
  const parsed = benchConfigSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  }
  return parsed.data;
}

/** The scale benchmark's infrastructure (its other settings are command-line options). */
export function loadScaleBenchEnv(): { MONGO_URL: string; KAFKA_BROKERS: string } {
  const parsed = benchConfigSchema.pick({ MONGO_URL: true, KAFKA_BROKERS: true }).safeParse(process.env);
  if (!parsed.success)
    throw new Error(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  return parsed.data;
}

/** The environment of a process the benchmark starts: this one's, with `extra` on top. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
