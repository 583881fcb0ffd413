#!/usr/bin/env node
// aid-verify: a monitor of one campaign's log on a remote ledger. Node built-ins and this package only, so it
// can be run from a checkout without installing anything: `node packages/log-verifier/src/cli.ts ...`.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditOnce, httpClient } from './audit.ts';
import { parseCliArgs, usage, UsageError, type CliOptions } from './cli-options.ts';
import { parseState, stateFileName, type MonitorState } from './monitor.ts';

const exitCodes = { ok: 0, error: 1, alert: 2 } as const;

function readState(path: string): MonitorState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return parseState(text);
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
}

function writeState(path: string, state: MonitorState): void {
  mkdirSync(dirname(path), { recursive: true });
  // Written aside then renamed, so an interrupted run never leaves half a state (and so a lost baseline).
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

async function round(options: CliOptions, statePath: string): Promise<number> {
  const previous = readState(statePath);
  if (previous && (previous.ledger !== options.ledgerUrl || previous.campaignId !== options.campaignId)) {
    throw new UsageError(
      `${statePath} records ${previous.ledger} campaign ${previous.campaignId}, not this one`,
    );
  }
  const result = await auditOnce(options, previous, httpClient(options.ledgerUrl), () => new Date());
  for (const line of result.lines) console.log(line);
  for (const alert of result.alerts) console.log(`ALERT ${alert}`);
  if (!result.state) {
    console.log(
      `ALERT ${options.ledgerUrl} campaign ${options.campaignId}: ${result.alerts.length} problem(s); the last good checkpoint stays recorded in ${statePath}`,
    );
    return exitCodes.alert;
  }
  writeState(statePath, result.state);
  console.log(`ok recorded checkpoint of size ${result.state.checkpoint?.size ?? 0} in ${statePath}`);
  return exitCodes.ok;
}

async function main(argv: string[]): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message ? `${error.message}\n\n${usage}` : usage);
      return exitCodes.error;
    }
    throw error;
  }
  const statePath =
    options.statePath ??
    join(homedir(), '.local', 'state', 'aid-verify', stateFileName(options.ledgerUrl, options.campaignId));
  let worst: number = exitCodes.ok;
  // Interrupting a watch ends it with the worst outcome seen, so a wrapper script still learns of an alert.
  if (options.watchSeconds !== null) process.once('SIGINT', () => process.exit(worst));
  for (;;) {
    let code: number;
    try {
      code = await round(options, statePath);
    } catch (error) {
      console.error(`error: ${(error as Error).message}`);
      code = exitCodes.error;
    }
    worst = Math.max(worst, code);
    if (options.watchSeconds === null) return code;
    // A monitor keeps watching after an alert: it keeps saying so until someone looks.
    await sleep(options.watchSeconds * 1000);
    console.log(`--- ${new Date().toISOString()}`);
  }
}

process.exitCode = await main(process.argv.slice(2));
