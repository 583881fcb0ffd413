// What a monitor remembers between runs, and how a new checkpoint is judged against it. No Node imports, so
// the rules can be reused by any client; the command line (cli.ts) adds files, network and printing.
import { equalBytes, fromBase64, toBase64, type Checkpoint } from './verify.ts';

/** The last checkpoint a monitor accepted for one campaign of one ledger, and the key it pinned. */
export interface MonitorState {
  version: 1;
  ledger: string;
  campaignId: string;
  verifierKey: string;
  checkpoint: { size: number; root: string; note: string } | null;
  checkedAt: string | null;
}

export type Verdict =
  /** Nothing seen before: the checkpoint is taken as the starting point. */
  | { kind: 'first' }
  /** The same tree head as last time. */
  | { kind: 'unchanged' }
  /** A larger tree: a consistency proof from `from` must show it extends what was seen. */
  | { kind: 'grown'; from: { size: number; root: Uint8Array } }
  | { kind: 'alert'; message: string };

/**
 * Judges a verified checkpoint against the last one accepted. A smaller tree, or another root at the same
 * size, can only mean the log was rewritten or someone is shown a different log (a split view).
 */
export function judgeCheckpoint(
  previous: MonitorState['checkpoint'],
  current: Pick<Checkpoint, 'size' | 'root'>,
): Verdict {
  if (!previous) return { kind: 'first' };
  const previousRoot = fromBase64(previous.root);
  if (current.size < previous.size) {
    return {
      kind: 'alert',
      message: `the log shrank from ${previous.size} to ${current.size} entries since the last checkpoint seen`,
    };
  }
  if (current.size === previous.size) {
    return equalBytes(previousRoot, current.root)
      ? { kind: 'unchanged' }
      : {
          kind: 'alert',
          message: `two different roots for tree size ${current.size}: ${previous.root} seen before, ${toBase64(current.root)} now`,
        };
  }
  return { kind: 'grown', from: { size: previous.size, root: previousRoot } };
}

/** The state after accepting a checkpoint (only ever called when nothing was alarming). */
export function acceptCheckpoint(
  state: Omit<MonitorState, 'checkpoint' | 'checkedAt'>,
  checkpoint: Pick<Checkpoint, 'size' | 'root'>,
  note: string,
  now: Date,
): MonitorState {
  return {
    ...state,
    checkpoint: { size: checkpoint.size, root: toBase64(checkpoint.root), note },
    checkedAt: now.toISOString(),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a state file's text; throws with the reason when it is not one this monitor wrote. */
export function parseState(text: string): MonitorState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the state file is not JSON');
  }
  if (!isRecord(value) || value.version !== 1)
    throw new Error('the state file is not a version 1 monitor state');
  const { ledger, campaignId, verifierKey, checkpoint, checkedAt } = value;
  if (typeof ledger !== 'string' || typeof campaignId !== 'string' || typeof verifierKey !== 'string') {
    throw new Error('the state file lacks ledger, campaignId or verifierKey');
  }
  if (checkpoint !== null) {
    const valid =
      isRecord(checkpoint) &&
      Number.isSafeInteger(checkpoint.size) &&
      (checkpoint.size as number) >= 0 &&
      typeof checkpoint.root === 'string' &&
      /^[A-Za-z0-9+/]{43}=$/.test(checkpoint.root) &&
      typeof checkpoint.note === 'string';
    if (!valid) throw new Error('the state file has a malformed checkpoint');
  }
  return {
    version: 1,
    ledger,
    campaignId,
    verifierKey,
    checkpoint: checkpoint as MonitorState['checkpoint'],
    checkedAt: typeof checkedAt === 'string' ? checkedAt : null,
  };
}

/** One state file per ledger host and campaign: `<host>-<campaignId>.json` (the port is kept, `:` as `_`). */
export function stateFileName(ledgerUrl: string, campaignId: string): string {
  const host = new URL(ledgerUrl).host.replace(/[^A-Za-z0-9.-]/g, '_');
  return `${host}-${campaignId}.json`;
}
