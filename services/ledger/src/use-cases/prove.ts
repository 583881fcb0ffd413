import { DomainError } from '@aid/contracts';
import { canonicalBytes, leafHash } from '../domain/leaf.ts';
import { campaignNotFound, type LedgerErrorCode } from '../domain/errors.ts';
import { nodeHash, emptyRoot, splitPoint } from '../domain/merkle.ts';
import { signCheckpoint, type NoteSigner } from '../domain/checkpoint.ts';
import type { LedgerStore } from '../store/ledger-store.ts';

const badRange = (message: string, field: string) =>
  new DomainError<LedgerErrorCode>('proof-out-of-range', message, field);

export function campaignOrigin(origin: string, campaignId: string): string {
  return `${origin}/campaigns/${campaignId}`;
}

async function logSize(store: LedgerStore, campaignId: string): Promise<number> {
  const log = await store.logState(campaignId);
  if (!log) throw campaignNotFound(campaignId);
  return log.size;
}

/** The campaign log's latest checkpoint. Ed25519 signatures are deterministic: one tree head, one note. */
export async function campaignCheckpoint(
  store: LedgerStore,
  signer: NoteSigner,
  origin: string,
  campaignId: string,
): Promise<{ note: string; size: number; root: Buffer }> {
  const size = await logSize(store, campaignId);
  const root = await store.merkle.root(campaignId, size);
  return {
    note: signCheckpoint({ origin: campaignOrigin(origin, campaignId), size, root }, signer),
    size,
    root,
  };
}

/**
 * The campaign log's checkpoint with the inclusion proof of leaf `index` in it (none while the head is not past
 * the leaf), from one read of the tree; null while the log has no head.
 */
export async function checkpointWithInclusion(
  store: LedgerStore,
  signer: NoteSigner,
  origin: string,
  campaignId: string,
  index: number,
) {
  const log = await store.logState(campaignId);
  if (!log) return null;
  const { root, inclusion } = await store.merkle.rootAndInclusion(campaignId, index, log.size);
  return {
    note: signCheckpoint({ origin: campaignOrigin(origin, campaignId), size: log.size, root }, signer),
    size: log.size,
    root,
    inclusion,
  };
}

export async function inclusionProof(
  store: LedgerStore,
  campaignId: string,
  index: number,
  treeSize: number,
) {
  const size = await logSize(store, campaignId);
  if (treeSize > size)
    throw badRange(`the log has ${size} entries; treeSize must be at most that`, 'treeSize');
  if (index >= treeSize) throw badRange(`index must be below treeSize (${treeSize})`, 'index');
  const hashes = await store.merkle.inclusionProof(campaignId, index, treeSize);
  return { leafIndex: index, treeSize, hashes: hashes.map((hash) => hash.toString('base64')) };
}

export async function consistencyProof(store: LedgerStore, campaignId: string, from: number, to: number) {
  const size = await logSize(store, campaignId);
  if (to > size) throw badRange(`the log has ${size} entries; to must be at most that`, 'to');
  if (from > to) throw badRange('from must not be larger than to', 'from');
  const hashes = await store.merkle.consistencyProof(campaignId, from, to);
  return { first: from, second: to, hashes: hashes.map((hash) => hash.toString('base64')) };
}

/** MTH over in-memory leaf hashes: the global tree is small (one leaf per campaign). */
function treeHead(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return emptyRoot;
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = splitPoint(leaves.length);
  return nodeHash(treeHead(leaves.slice(0, k)), treeHead(leaves.slice(k)));
}

/**
 * The global checkpoint commits to every campaign's head at once, so a monitor can watch one thing: its leaves
 * are the canonical JSON of `{campaignId, size, root}` for every campaign in id order, served at
 * /v1/checkpoint/heads for anyone to recompute.
 */
export async function globalCheckpoint(store: LedgerStore, signer: NoteSigner, origin: string) {
  const heads = await Promise.all(
    (await store.campaignHeads()).map(async ({ campaignId, size }) => ({
      campaignId,
      size,
      root: (await store.merkle.root(campaignId, size)).toString('base64'),
    })),
  );
  const leaves = heads.map((head) => leafHash(canonicalBytes(head)));
  const root = treeHead(leaves);
  return { heads, note: signCheckpoint({ origin: `${origin}/global`, size: heads.length, root }, signer) };
}
