/** What one Schemathesis run reports in its SUMMARY section. */
export interface RunSummary {
  /** Operations tested, of those in the schema. */
  operations: string;
  testCases: number;
  failures: number;
  errors: number;
}

/**
 * Reads the counts from Schemathesis' text summary (`Selected: 16/16`, `Tested: 16`, `Test cases: 1234 generated`,
 * and the final line `== 3 failures, 1 error in 12.3s ==`). The exit code stays the authority on pass or fail;
 * these are the figures printed beside it.
 */
export function parseRunSummary(output: string): RunSummary {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  const total = /Selected:\s*\d+\/(\d+)/.exec(output)?.[1] ?? '?';
  const tested = /Tested:\s*(\d+)/.exec(output)?.[1] ?? '0';
  const finalLine = output.trimEnd().split('\n').at(-1) ?? '';
  return {
    operations: `${tested}/${total}`,
    testCases: number(/Test cases:\s*\n\s*(\d+) generated/),
    failures: Number(/(\d+) failures?\b/.exec(finalLine)?.[1] ?? 0),
    errors: Number(/(\d+) errors?\b/.exec(finalLine)?.[1] ?? 0),
  };
}
