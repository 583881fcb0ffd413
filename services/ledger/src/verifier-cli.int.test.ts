import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topics, type AnyEvent } from '@aid/contracts';
import { eventually, publishRaw, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteSigner, verifierKey } from './domain/checkpoint.ts';
import { campaignPublished, campaignSnapshot, giftSucceeded } from '@aid/test-kit/record-events';
import { startLedgerForTest } from './test-support/start-ledger.ts';

type Ledger = Awaited<ReturnType<typeof startLedgerForTest>>;

// The command as a user runs it from a checkout: plain Node on the package's source file.
const cli = fileURLToPath(new URL('cli.ts', import.meta.resolve('@aid/log-verifier')));

/** Runs aid-verify without blocking this process, which serves the ledger it talks to. */
function verify(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('aid-verify against a running ledger', () => {
  let ledger: Ledger;
  const snapshot = campaignSnapshot();
  const campaignId = snapshot.campaignId;
  const folder = mkdtempSync(join(tmpdir(), 'aid-verify-'));
  const statePath = join(folder, 'state.json');

  async function publishGifts(count: number, from: number) {
    const events: AnyEvent[] = Array.from({ length: count }, (_, index) =>
      giftSucceeded(campaignId, { amount: 1_000 + from + index, minute: from + index }),
    );
    await publishRaw(
      testEndpoints().kafkaBrokers,
      topics.donation,
      events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
    );
  }

  async function size(): Promise<number> {
    return (
      (await (await fetch(`${ledger.url}/v1/campaigns/${campaignId}/summary`)).json()) as { entries: number }
    ).entries;
  }

  beforeAll(async () => {
    ledger = await startLedgerForTest();
    await publishRaw(testEndpoints().kafkaBrokers, topics.campaign, [
      { key: campaignId, value: JSON.stringify(campaignPublished(snapshot)) },
    ]);
    await publishGifts(6, 1);
    await eventually(async () => expect(await size()).toBe(7));
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  it('when first run without a key, then it trusts the published key with a warning, checks the entries and records the checkpoint', async () => {
    const run = await verify([ledger.url, campaignId, '--state', statePath, '--entry', '0', '--entry', '6']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /WARNING trusting the ledger's own key on first use: ledger\.test\.localhost\+/,
    );
    expect(run.stdout).toMatch(
      new RegExp(`ok checkpoint ledger\\.test\\.localhost/campaigns/${campaignId} size 7 `),
    );
    expect(run.stdout).toMatch(/ok entry 0 is in the signed tree/);
    expect(run.stdout).toMatch(/ok entry 6 is in the signed tree/);
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(state).toMatchObject({ version: 1, ledger: ledger.url, campaignId, checkpoint: { size: 7 } });
    expect(state.verifierKey).toBe((await (await fetch(`${ledger.url}/v1/verifier-key`)).text()).trim());
  });

  it('when the log grew since, then the second run proves it only appended and records the new head', async () => {
    await publishGifts(5, 20);
    await eventually(async () => expect(await size()).toBe(12));
    const run = await verify([ledger.url, campaignId, '--state', statePath, '--entry', '10']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/WARNING/);
    expect(run.stdout).toMatch(/ok consistent with the last checkpoint seen: size 7 -> 12, only appended/);
    expect(run.stdout).toMatch(/ok entry 10 is in the signed tree/);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).checkpoint.size).toBe(12);
  });

  it.each([
    [
      'an older head with a forged root',
      7,
      /ALERT the log of size 12 is not an extension of the checkpoint of size 7 seen before/,
    ],
    ['a forged root at the current size', 12, /ALERT two different roots for tree size 12/],
    ['a larger tree than the ledger now shows', 40, /ALERT the log shrank from 40 to 12/],
  ])(
    'when the state file holds %s, then it alerts with exit 2 and keeps the recorded head',
    async (_case, recordedSize, alert) => {
      const good = JSON.parse(readFileSync(statePath, 'utf8'));
      const forgedPath = join(folder, `forged-${recordedSize}.json`);
      const forged = {
        ...good,
        checkpoint: { ...good.checkpoint, size: recordedSize, root: Buffer.alloc(32, 9).toString('base64') },
      };
      writeFileSync(forgedPath, JSON.stringify(forged));
      const run = await verify([ledger.url, campaignId, '--state', forgedPath]);
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(alert);
      expect(JSON.parse(readFileSync(forgedPath, 'utf8'))).toEqual(forged);
    },
  );

  it('when the pinned key is not the one that signs, then the checkpoint is an alert', async () => {
    // Same name, another key: what a ledger that swapped its signing key (or an impostor) would present.
    const otherKey = verifierKey(noteSigner('ledger.test.localhost', Buffer.alloc(32, 8)));
    const run = await verify([
      ledger.url,
      campaignId,
      '--state',
      join(folder, 'other-key.json'),
      '--key',
      otherKey,
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/ALERT the checkpoint does not verify with the pinned key/);
  });

  it('when the ledger cannot be reached or the arguments are wrong, then it exits 1', async () => {
    expect(
      (await verify(['http://127.0.0.1:9', campaignId, '--state', join(folder, 'unreachable.json')])).code,
    ).toBe(1);
    const usage = await verify([ledger.url]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/usage: aid-verify/);
  });
});
