import { parseArgs } from 'node:util';

export const usage = `usage: aid-verify <ledgerUrl> <campaignId> [--key <verifierKey>] [--state <file>] [--entry <index>]... [--watch <seconds>]

Checks a campaign's log on a remote ledger without trusting it: the checkpoint's signature (against the pinned
key), that each --entry is in the signed tree, and that the log only grew since the checkpoint recorded in the
state file. Exit 0: all good; 2: ALERT, an inconsistency or forgery was detected; 1: usage or network error.`;

export class UsageError extends Error {}

export interface CliOptions {
  ledgerUrl: string;
  campaignId: string;
  key: string | null;
  statePath: string | null;
  entries: number[];
  watchSeconds: number | null;
}

const wholeNumber = /^(0|[1-9]\d*)$/;

export function parseCliArgs(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        key: { type: 'string' },
        state: { type: 'string' },
        entry: { type: 'string', multiple: true },
        watch: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError('');
  const [ledgerUrl, campaignId, ...extra] = positionals;
  if (!ledgerUrl || !campaignId || extra.length > 0)
    throw new UsageError('give exactly a ledger URL and a campaign id');
  let url: URL;
  try {
    url = new URL(ledgerUrl);
  } catch {
    throw new UsageError(`not a URL: ${ledgerUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError('the ledger URL must be http or https');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(campaignId)) throw new UsageError(`not a campaign id: ${campaignId}`);
  const entries = (values.entry ?? []).map((text) => {
    if (!wholeNumber.test(text) || !Number.isSafeInteger(Number(text)))
      throw new UsageError(`--entry must be a whole number, got ${text}`);
    return Number(text);
  });
  let watchSeconds: number | null = null;
  if (values.watch !== undefined) {
    watchSeconds = Number(values.watch);
    if (!Number.isFinite(watchSeconds) || watchSeconds <= 0)
      throw new UsageError(`--watch must be a positive number of seconds, got ${values.watch}`);
  }
  return {
    ledgerUrl: url.href.replace(/\/+$/, ''),
    campaignId,
    key: values.key?.trim() ?? null,
    statePath: values.state ?? null,
    entries: [...new Set(entries)],
    watchSeconds,
  };
}
