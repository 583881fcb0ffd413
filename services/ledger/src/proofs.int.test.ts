import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { topics, type AnyEvent } from '@aid/contracts';
import {
  leafHash as verifierLeafHash,
  fromBase64,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '@aid/log-verifier';
import { eventually, publishRaw, testEndpoints } from '@aid/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignPublished, campaignSnapshot, giftSucceeded } from '@aid/test-kit/record-events';
import { startLedgerForTest } from './test-support/start-ledger.ts';

type Ledger = Awaited<ReturnType<typeof startLedgerForTest>>;

const independentCheck = fileURLToPath(new URL('../test-go/', import.meta.url));

/** Go's golang.org/x/mod (sumdb note + tlog): an implementation of signed notes and RFC 6962 we did not write. */
function checkWithGo(request: unknown): string {
  try {
    return execFileSync('go', ['run', '.'], {
      cwd: independentCheck,
      input: JSON.stringify(request),
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod' },
    }).trim();
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error).trim();
  }
}

async function text(ledger: Ledger, path: string): Promise<string> {
  return (await fetch(`${ledger.url}${path}`)).text();
}

async function json(ledger: Ledger, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${ledger.url}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('verifiable ledger: checkpoints and proofs', () => {
  let ledger: Ledger;
  const snapshot = campaignSnapshot();
  const campaignId = snapshot.campaignId;
  let verifierKey: string;
  let firstCheckpoint: { size: number; root: Uint8Array };

  async function publish(events: AnyEvent[]) {
    await publishRaw(
      testEndpoints().kafkaBrokers,
      topics.donation,
      events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
    );
  }

  beforeAll(async () => {
    ledger = await startLedgerForTest();
    verifierKey = (await text(ledger, '/v1/verifier-key')).trim();
    await publishRaw(testEndpoints().kafkaBrokers, topics.campaign, [
      { key: campaignId, value: JSON.stringify(campaignPublished(snapshot)) },
    ]);
    await publish(
      Array.from({ length: 6 }, (_, index) =>
        giftSucceeded(campaignId, { amount: 1_000 + index, minute: index }),
      ),
    );
    await eventually(async () =>
      expect((await json(ledger, `/v1/campaigns/${campaignId}/summary`)).body.entries).toBe(7),
    );
    firstCheckpoint = await verifyCheckpoint(
      await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`),
      verifierKey,
    );
    await publish(
      Array.from({ length: 6 }, (_, index) =>
        giftSucceeded(campaignId, { amount: 2_000 + index, minute: 10 + index }),
      ),
    );
    await eventually(async () =>
      expect((await json(ledger, `/v1/campaigns/${campaignId}/summary`)).body.entries).toBe(13),
    );
  });

  afterAll(async () => {
    await ledger?.stop();
  });

  it('when the checkpoint is fetched, then it is a C2SP signed note over the campaign origin that our verifier key checks', async () => {
    const note = await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`);
    expect(note).toMatch(
      new RegExp(
        `^ledger\\.test\\.localhost/campaigns/${campaignId}\\n13\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 ledger\\.test\\.localhost `,
      ),
    );
    const checkpoint = await verifyCheckpoint(note, verifierKey);
    expect(checkpoint.size).toBe(13);
    expect(verifierKey).toMatch(/^ledger\.test\.localhost\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  });

  it('when a checkpoint is altered, then verification fails', async () => {
    const note = await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`);
    await expect(verifyCheckpoint(note.replace('\n13\n', '\n12\n'), verifierKey)).rejects.toThrow(
      /signature/,
    );
  });

  it('when every entry gets an inclusion proof at the checkpoint size, then each verifies against the signed root', async () => {
    const checkpoint = await verifyCheckpoint(
      await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`),
      verifierKey,
    );
    const { body } = await json(ledger, `/v1/campaigns/${campaignId}/entries?from=0&limit=100`);
    for (const row of body.entries as { index: number; leaf: string }[]) {
      const { body: proof } = await json(
        ledger,
        `/v1/campaigns/${campaignId}/proofs/inclusion?index=${row.index}&treeSize=${checkpoint.size}`,
      );
      expect(proof).toMatchObject({ leafIndex: row.index, treeSize: 13 });
      const leaf = await verifierLeafHash(fromBase64(row.leaf));
      expect(
        await verifyInclusion(
          row.index,
          checkpoint.size,
          leaf,
          proof.hashes.map(fromBase64),
          checkpoint.root,
        ),
      ).toBe(true);
    }
  });

  it('when an entry is tampered with, then its inclusion proof no longer verifies', async () => {
    const checkpoint = await verifyCheckpoint(
      await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`),
      verifierKey,
    );
    const { body } = await json(ledger, `/v1/campaigns/${campaignId}/entries?from=3&limit=1`);
    const entry = JSON.parse(Buffer.from(body.entries[0].leaf, 'base64').toString('utf8'));
    const tampered = Buffer.from(JSON.stringify({ ...entry, amount: entry.amount + 1 }));
    const { body: proof } = await json(
      ledger,
      `/v1/campaigns/${campaignId}/proofs/inclusion?index=3&treeSize=13`,
    );
    expect(
      await verifyInclusion(
        3,
        13,
        await verifierLeafHash(tampered),
        proof.hashes.map(fromBase64),
        checkpoint.root,
      ),
    ).toBe(false);
  });

  it('when the log grows, then a consistency proof shows the earlier checkpoint is a prefix of the later one', async () => {
    const later = await verifyCheckpoint(
      await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`),
      verifierKey,
    );
    const { body } = await json(
      ledger,
      `/v1/campaigns/${campaignId}/proofs/consistency?from=${firstCheckpoint.size}&to=${later.size}`,
    );
    expect(body).toMatchObject({ first: 7, second: 13 });
    expect(
      await verifyConsistency(7, 13, body.hashes.map(fromBase64), firstCheckpoint.root, later.root),
    ).toBe(true);
    expect(await verifyConsistency(7, 13, body.hashes.map(fromBase64), later.root, later.root)).toBe(false);
  });

  it("when Go's independent note and tlog packages check the checkpoint and every proof, then they accept them", async () => {
    const checkpoint = await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`);
    const { body } = await json(ledger, `/v1/campaigns/${campaignId}/entries?from=0&limit=100`);
    const leaves = (body.entries as { leaf: string }[]).map((row) => row.leaf);
    const inclusion = await Promise.all(
      leaves.map(async (_, index) => ({
        index,
        ...(await json(ledger, `/v1/campaigns/${campaignId}/proofs/inclusion?index=${index}&treeSize=13`))
          .body,
      })),
    );
    const consistency = [
      {
        from: 7,
        fromRoot: Buffer.from(firstCheckpoint.root).toString('base64'),
        ...(await json(ledger, `/v1/campaigns/${campaignId}/proofs/consistency?from=7&to=13`)).body,
      },
    ];
    expect(checkWithGo({ verifierKey, checkpoint, leaves, inclusion, consistency })).toBe('ok');
    const forged = [{ ...consistency[0], fromRoot: Buffer.alloc(32, 1).toString('base64') }];
    expect(checkWithGo({ verifierKey, checkpoint, leaves, inclusion: [], consistency: forged })).toMatch(
      /consistency 7 -> 13/,
    );
  });

  it.each([
    ['/proofs/inclusion?index=13&treeSize=13', 'index'],
    ['/proofs/inclusion?index=0&treeSize=99', 'treeSize'],
    ['/proofs/inclusion?index=-1&treeSize=5', 'query.index'],
    ['/proofs/consistency?from=9&to=5', 'from'],
    ['/proofs/consistency?from=1&to=500', 'to'],
  ])('when %s is asked, then it is a 400 naming %s', async (path, field) => {
    const { status, body } = await json(ledger, `/v1/campaigns/${campaignId}${path}`);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
  });

  it("when the global checkpoint is fetched, then it is signed and commits to this campaign's current head", async () => {
    const note = await text(ledger, '/v1/checkpoint');
    const global = await verifyCheckpoint(note, verifierKey);
    expect(global.origin).toBe('ledger.test.localhost/global');
    const { body } = await json(ledger, '/v1/checkpoint/heads');
    const head = (body.heads as { campaignId: string; size: number; root: string }[]).find(
      (row) => row.campaignId === campaignId,
    );
    const campaign = await verifyCheckpoint(
      await text(ledger, `/v1/campaigns/${campaignId}/checkpoint`),
      verifierKey,
    );
    expect(head).toEqual({ campaignId, size: 13, root: Buffer.from(campaign.root).toString('base64') });
    expect(global.size).toBe(body.heads.length);
  });
});
