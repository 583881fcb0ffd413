import type { TestProjectInlineConfiguration, ViteUserConfig } from 'vitest/config';

/**
 * The two tiers every package with integration tests runs in, so `vitest run --project unit` checks domain code
 * in seconds with no broker or database:
 *
 * - `unit`: `*.test.ts`, files side by side, no global set-up (a unit test that reaches for Kafka or the database
 *   fails here, which is the point);
 * - `integration`: `*.int.test.ts`, one file at a time against the shared broker and database, which the global
 *   set-up takes from the environment or starts.
 *
 * `extra` adds tiers of a package's own (the web's browser tests); their files are left out of `unit`.
 */
export function testTiers(extra: TestProjectInlineConfiguration[] = []): ViteUserConfig {
  const extraFiles = extra.flatMap((project) => project.test?.include ?? []);
  return {
    test: {
      testTimeout: 60_000,
      hookTimeout: 60_000,
      projects: [
        // Tiers run one after the other (unit first), so no unit file competes for CPU with a timed integration one.
        {
          extends: true,
          test: {
            name: 'unit',
            include: ['src/**/*.test.ts'],
            exclude: ['src/**/*.int.test.ts', ...extraFiles],
            fileParallelism: true,
            sequence: { groupOrder: 0 },
          },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            include: ['src/**/*.int.test.ts'],
            globalSetup: ['@aid/test-kit/global-setup'],
            // The files share one broker and database server; one at a time keeps their timings honest.
            fileParallelism: false,
            sequence: { groupOrder: 1 },
          },
        },
        ...extra.map((project, position) => ({
          extends: true,
          ...project,
          test: { fileParallelism: false, sequence: { groupOrder: 2 + position }, ...project.test },
        })),
      ],
    },
  };
}
