import { acceptCheckpoint, judgeCheckpoint, type MonitorState } from './monitor.ts';
import {
  fromBase64,
  leafHash,
  parseVerifierKey,
  toBase64,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from './verify.ts';

/** A failure to talk to the ledger (exit 1), as opposed to an answer that proves something wrong (exit 2). */
export class FetchError extends Error {}

export interface LedgerClient {
  text(path: string): Promise<string>;
  json(path: string): Promise<unknown>;
}

export function httpClient(ledgerUrl: string): LedgerClient {
  async function get(path: string): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${ledgerUrl}${path}`, { signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new FetchError(`cannot reach ${ledgerUrl}${path}: ${(error as Error).message}`);
    }
    if (!response.ok)
      throw new FetchError(
        `${ledgerUrl}${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
    return response;
  }
  return {
    text: async (path) => (await get(path)).text(),
    json: async (path) => {
      const response = await get(path);
      try {
        return (await response.json()) as unknown;
      } catch {
        throw new FetchError(`${ledgerUrl}${path} did not answer JSON`);
      }
    },
  };
}

export interface AuditInput {
  ledgerUrl: string;
  campaignId: string;
  key: string | null;
  entries: number[];
}

export interface AuditResult {
  lines: string[];
  alerts: string[];
  /** The state to record: only when nothing was alarming, so a forged checkpoint never becomes the baseline. */
  state: MonitorState | null;
}

const hashesOf = (value: unknown): Uint8Array[] | null => {
  const hashes = (value as { hashes?: unknown } | null)?.hashes;
  return Array.isArray(hashes) && hashes.every((hash) => typeof hash === 'string')
    ? hashes.map((hash: string) => fromBase64(hash))
    : null;
};

const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** One round of checks of a campaign's log against what was seen before. */
export async function auditOnce(
  input: AuditInput,
  previous: MonitorState | null,
  client: LedgerClient,
  now: () => Date,
): Promise<AuditResult> {
  const lines: string[] = [];
  const alerts: string[] = [];
  let verifierKey = input.key ?? previous?.verifierKey ?? null;
  if (!verifierKey) {
    verifierKey = (await client.text('/v1/verifier-key')).trim();
    lines.push(
      `WARNING trusting the ledger's own key on first use: ${verifierKey} (compare it with one published elsewhere, then pass it with --key)`,
    );
  } else if (input.key && previous && previous.verifierKey !== input.key) {
    lines.push(
      `WARNING --key differs from the key pinned before (${previous.verifierKey}); pinning the new one`,
    );
  }
  parseVerifierKey(verifierKey);

  const note = await client.text(`/v1/campaigns/${input.campaignId}/checkpoint`);
  let checkpoint;
  try {
    checkpoint = await verifyCheckpoint(note, verifierKey);
  } catch (error) {
    return {
      lines,
      alerts: [`the checkpoint does not verify with the pinned key: ${(error as Error).message}`],
      state: null,
    };
  }
  if (!checkpoint.origin.endsWith(`/campaigns/${input.campaignId}`)) {
    return {
      lines,
      alerts: [`the checkpoint is for ${checkpoint.origin}, not campaign ${input.campaignId}`],
      state: null,
    };
  }
  lines.push(
    `ok checkpoint ${checkpoint.origin} size ${checkpoint.size} root ${toBase64(checkpoint.root)} signed by ${verifierKey.split('+')[0] ?? ''}`,
  );

  const verdict = judgeCheckpoint(previous?.checkpoint ?? null, checkpoint);
  switch (verdict.kind) {
    case 'first':
      lines.push('ok no earlier checkpoint recorded: this one is the baseline');
      break;
    case 'unchanged':
      lines.push('ok same tree head as the last checkpoint seen');
      break;
    case 'grown': {
      const proof = hashesOf(
        await client.json(
          `/v1/campaigns/${input.campaignId}/proofs/consistency?from=${verdict.from.size}&to=${checkpoint.size}`,
        ),
      );
      if (
        proof &&
        (await verifyConsistency(
          verdict.from.size,
          checkpoint.size,
          proof,
          verdict.from.root,
          checkpoint.root,
        ))
      ) {
        lines.push(
          `ok consistent with the last checkpoint seen: size ${verdict.from.size} -> ${checkpoint.size}, only appended`,
        );
      } else {
        alerts.push(
          `the log of size ${checkpoint.size} is not an extension of the checkpoint of size ${verdict.from.size} seen before: history was rewritten`,
        );
      }
      break;
    }
    case 'alert':
      alerts.push(verdict.message);
      break;
    default: {
      const unhandled: never = verdict;
      throw new Error(`unhandled verdict ${JSON.stringify(unhandled)}`);
    }
  }

  for (const index of input.entries) {
    if (index >= checkpoint.size) {
      lines.push(`WARNING entry ${index} is not in the log yet (size ${checkpoint.size})`);
      continue;
    }
    const page = (await client.json(`/v1/campaigns/${input.campaignId}/entries?from=${index}&limit=1`)) as {
      entries?: { index?: unknown; leaf?: unknown; entry?: unknown }[];
    };
    const row = page.entries?.[0];
    if (!row || row.index !== index || typeof row.leaf !== 'string') {
      alerts.push(`entry ${index} is in the signed tree but the ledger does not serve it`);
      continue;
    }
    const bytes = fromBase64(row.leaf);
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || JSON.stringify(parsed) !== JSON.stringify(row.entry)) {
      alerts.push(`entry ${index}: the JSON served differs from the bytes it claims were hashed`);
      continue;
    }
    const leaf = await leafHash(bytes);
    const proof = hashesOf(
      await client.json(
        `/v1/campaigns/${input.campaignId}/proofs/inclusion?index=${index}&treeSize=${checkpoint.size}`,
      ),
    );
    if (proof && (await verifyInclusion(index, checkpoint.size, leaf, proof, checkpoint.root))) {
      lines.push(`ok entry ${index} is in the signed tree (leaf hash ${hex(leaf)})`);
    } else {
      alerts.push(`entry ${index} (leaf hash ${hex(leaf)}) is not in the tree the checkpoint signs`);
    }
  }

  const base = { version: 1 as const, ledger: input.ledgerUrl, campaignId: input.campaignId, verifierKey };
  return { lines, alerts, state: alerts.length > 0 ? null : acceptCheckpoint(base, checkpoint, note, now()) };
}
