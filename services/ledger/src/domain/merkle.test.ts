import { createHash } from 'node:crypto';
import { verifyConsistency, verifyInclusion } from '@aid/log-verifier';
import { describe, expect, it } from 'vitest';
import { leafHash } from './leaf.ts';
import {
  appendGroupHashes,
  appendHashes,
  appendPlan,
  consistencyRanges,
  emptyRoot,
  inclusionRanges,
  nodeHash,
  nodesFor,
  rangeHash,
  rangeNodes,
  splitPoint,
  type NodeAddress,
} from './merkle.ts';

/** MTH straight from RFC 6962 §2.1, recomputed from all leaves: the reference the stored tree must match. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return emptyRoot;
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** Builds the stored nodes exactly as appends do. */
function buildTree(count: number) {
  const nodes = new Map<string, Buffer>();
  const leaves: Buffer[] = [];
  for (let index = 0; index < count; index += 1) {
    const hash = leafHash(Buffer.from(`entry ${index}`));
    leaves.push(hash);
    const siblings = appendPlan(index).reads.map((address) => {
      const sibling = nodes.get(`${address.level}:${address.index}`);
      if (!sibling) throw new Error('sibling missing');
      return sibling;
    });
    for (const { address, hash: nodeValue } of appendHashes(index, hash, siblings))
      nodes.set(`${address.level}:${address.index}`, nodeValue);
  }
  const lookup = (address: NodeAddress) => {
    const value = nodes.get(`${address.level}:${address.index}`);
    if (!value) throw new Error(`node ${address.level}:${address.index} not stored`);
    return value;
  };
  return { leaves, nodes, lookup };
}

describe('Merkle tree over stored complete subtrees', () => {
  it('when leaves are appended one by one, then every prefix root equals the RFC 6962 reference root', () => {
    const { leaves, lookup } = buildTree(70);
    for (let size = 0; size <= 70; size += 1)
      expect(rangeHash(0, size, lookup).equals(referenceRoot(leaves.slice(0, size)))).toBe(true);
  });

  it('when the tree is empty, then its root is SHA-256 of nothing', () => {
    expect(emptyRoot.toString('hex')).toBe(createHash('sha256').digest('hex'));
  });

  it('when an inclusion proof is made for every leaf of every size up to 40, then an RFC 9162 verifier accepts it and rejects a wrong leaf', async () => {
    const { leaves, lookup } = buildTree(40);
    for (let size = 1; size <= 40; size += 1) {
      const root = rangeHash(0, size, lookup);
      for (let index = 0; index < size; index += 1) {
        const proof = inclusionRanges(index, size).map(([start, end]) => rangeHash(start, end, lookup));
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
        expect(await verifyInclusion(index, size, leaves[index] as Buffer, proof, root)).toBe(true);
        if (size > 1)
          expect(await verifyInclusion(index, size, leaves[(index + 1) % size] as Buffer, proof, root)).toBe(
            false,
          );
      }
    }
  });

  it('when a consistency proof is made between every pair of sizes up to 33, then an RFC 9162 verifier accepts it and rejects a rewritten history', async () => {
    const { lookup } = buildTree(33);
    const rewritten = buildTree(33);
    rewritten.nodes.set('0:0', leafHash(Buffer.from('rewritten')));
    for (let second = 1; second <= 33; second += 1) {
      for (let first = 1; first < second; first += 1) {
        const proof = consistencyRanges(first, second).map(([start, end]) => rangeHash(start, end, lookup));
        const ok = await verifyConsistency(
          first,
          second,
          proof,
          rangeHash(0, first, lookup),
          rangeHash(0, second, lookup),
        );
        expect(ok, `${first} -> ${second}`).toBe(true);
        const forgedFirstRoot = nodeHash(leafHash(Buffer.from('rewritten')), rangeHash(0, first, lookup));
        expect(
          await verifyConsistency(first, second, proof, forgedFirstRoot, rangeHash(0, second, lookup)),
        ).toBe(false);
      }
    }
  });

  it('when proofs for a million-leaf tree are planned, then they read at most about 2·log2(n) stored nodes', () => {
    const n = 1_000_000;
    expect(nodesFor(inclusionRanges(123_456, n)).length).toBeLessThanOrEqual(2 * 20);
    expect(nodesFor(consistencyRanges(654_321, n)).length).toBeLessThanOrEqual(3 * 20);
    expect(appendPlan(2 ** 20 - 1).writes).toHaveLength(21);
  });

  it('when leaves are appended in groups of any size, then exactly the nodes of one-by-one appends are made, reading only the tree before each group', () => {
    const { leaves, nodes } = buildTree(300);
    const grouped = new Map<string, Buffer>();
    const sizes = [1, 2, 3, 64, 1, 100, 7, 122];
    let from = 0;
    for (const size of sizes) {
      const before = new Set(rangeNodes(0, from).map((address) => `${address.level}:${address.index}`));
      const lookup = (address: NodeAddress) => {
        const key = `${address.level}:${address.index}`;
        const value = grouped.get(key);
        if (!value || !before.has(key))
          throw new Error(`read ${key}, which is not a maximal subtree before ${from}`);
        return value;
      };
      for (const { address, hash } of appendGroupHashes(from, leaves.slice(from, from + size), lookup))
        grouped.set(`${address.level}:${address.index}`, hash);
      from += size;
    }
    expect(from).toBe(300);
    expect([...grouped.keys()].sort()).toEqual([...nodes.keys()].sort());
    for (const [key, hash] of grouped) expect(hash.equals(nodes.get(key) as Buffer)).toBe(true);
  });
});
