/**
 * The lines of a test run that say what failed (vitest, tsc, eslint, turbo), kept while the output streams
 * past, so the run can end with them: a CI log is often read from its end, and the infrastructure logs printed
 * after a failure would otherwise push the failing test out of sight.
 */
const failurePatterns = [
  /\bFAIL\b/, // vitest: a failed file or test
  /^\s*[×✗]\s/, // vitest: a failed test in the tree
  /\b(AssertionError|TypeError|ReferenceError|RangeError|SyntaxError)\b/,
  /\berror TS\d+/, // tsc
  /(^|\s)\d+:\d+\s+error\s/, // eslint (after turbo's package prefix too)
  /Test Files .*failed|Tests .*failed/, // vitest's totals
  /Test timed out|Hook timed out|Unhandled (Rejection|Error)/,
  /ERR_PNPM_|ELIFECYCLE|command .* exited \(\d+\)/, // pnpm and turbo
];

// A terminal's colour codes begin with the escape character: matching it is the point.
// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*[A-Za-z]/g;

export interface FailureDigest {
  /** Feeds a chunk of output; lines may be split across chunks. */
  write(chunk: string): void;
  /** The failure lines seen, in order, without repeats: the last `limit` of them, the earlier ones counted. */
  lines(): string[];
}

export function createFailureDigest(limit = 60, maxLineLength = 300): FailureDigest {
  const kept: string[] = [];
  const seen = new Set<string>();
  let overflow = 0;
  let partial = '';

  const consider = (raw: string) => {
    const line = raw.replace(ansi, '').trimEnd();
    if (line.length === 0 || !failurePatterns.some((pattern) => pattern.test(line))) return;
    const shown = line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line;
    if (seen.has(shown)) return;
    seen.add(shown);
    kept.push(shown);
    // The last ones are kept: vitest and turbo end each package's run with its summary of failures.
    if (kept.length > limit) {
      kept.shift();
      overflow += 1;
    }
  };

  return {
    write(chunk) {
      const text = partial + chunk;
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) consider(part);
    },
    lines() {
      if (partial.length > 0) {
        consider(partial);
        partial = '';
      }
      return overflow > 0 ? [`… ${overflow} earlier lines left out`, ...kept] : [...kept];
    },
  };
}
