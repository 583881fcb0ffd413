import { createHash } from 'node:crypto';

/**
 * RFC 6962 / RFC 9162 Merkle trees over stored complete subtrees. A complete subtree is addressed by its
 * level (height; leaves are level 0) and its index at that level: node (l, i) covers leaves [i·2^l, (i+1)·2^l).
 * Every range the RFC's recursion visits splits into O(log n) complete subtrees, so roots and proofs read
 * O(log n) stored hashes, and an append writes O(log n) new ones.
 */
export interface NodeAddress {
  level: number;
  index: number;
}

export type NodeLookup = (address: NodeAddress) => Buffer;

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

export const emptyRoot: Buffer = createHash('sha256').digest();

/** Largest power of two strictly smaller than n (n ≥ 2), the split point of RFC 6962 §2.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Exact for every safe integer: log2 of a power of two is computed exactly in binary floating point.
const isPowerOfTwo = (n: number) => n > 0 && Number.isInteger(Math.log2(n));

/** The complete subtrees whose hashes define MTH(D[start:end]), in the RFC's recursion order. */
export function rangeNodes(start: number, end: number): NodeAddress[] {
  const size = end - start;
  if (size <= 0) return [];
  if (isPowerOfTwo(size)) {
    const level = Math.log2(size);
    return [{ level, index: start / size }];
  }
  const k = splitPoint(size);
  return [...rangeNodes(start, start + k), ...rangeNodes(start + k, end)];
}

/** MTH(D[start:end]) from stored complete subtrees. */
export function rangeHash(start: number, end: number, lookup: NodeLookup): Buffer {
  const size = end - start;
  if (size <= 0) return emptyRoot;
  if (isPowerOfTwo(size)) return lookup({ level: Math.log2(size), index: start / size });
  const k = splitPoint(size);
  return nodeHash(rangeHash(start, start + k, lookup), rangeHash(start + k, end, lookup));
}

/** The ranges whose hashes form the inclusion proof of leaf m in a tree of n leaves (RFC 6962 §2.1.1 PATH). */
export function inclusionRanges(m: number, n: number): [number, number][] {
  const path = (leaf: number, start: number, end: number): [number, number][] => {
    const size = end - start;
    if (size <= 1) return [];
    const k = splitPoint(size);
    return leaf < k
      ? [...path(leaf, start, start + k), [start + k, end]]
      : [...path(leaf - k, start + k, end), [start, start + k]];
  };
  return path(m, 0, n);
}

/** The ranges whose hashes form the consistency proof from size m to size n (RFC 6962 §2.1.2 PROOF/SUBPROOF). */
export function consistencyRanges(m: number, n: number): [number, number][] {
  const subproof = (size: number, start: number, end: number, complete: boolean): [number, number][] => {
    const total = end - start;
    if (size === total) return complete ? [] : [[start, end]];
    const k = splitPoint(total);
    return size <= k
      ? [...subproof(size, start, start + k, complete), [start + k, end]]
      : [...subproof(size - k, start + k, end, false), [start, start + k]];
  };
  if (m <= 0 || m >= n) return [];
  return subproof(m, 0, n, true);
}

/** The complete subtrees to read for a list of ranges, without repeats. */
export function nodesFor(ranges: [number, number][]): NodeAddress[] {
  const seen = new Map<string, NodeAddress>();
  for (const [start, end] of ranges)
    for (const node of rangeNodes(start, end)) seen.set(`${node.level}:${node.index}`, node);
  return [...seen.values()];
}

/**
 * The complete subtrees that become complete when leaf `index` is appended: the leaf itself, then each parent
 * for as long as the new node is a right child. Their hashes need the left siblings listed in `reads`.
 */
export function appendPlan(index: number): { writes: NodeAddress[]; reads: NodeAddress[] } {
  const writes: NodeAddress[] = [{ level: 0, index }];
  const reads: NodeAddress[] = [];
  let level = 0;
  let position = index;
  while (position % 2 === 1) {
    reads.push({ level, index: position - 1 });
    level += 1;
    position = (position - 1) / 2;
    writes.push({ level, index: position });
  }
  return { writes, reads };
}

/** Hashes of the nodes completed by appending a leaf, given the left siblings from `appendPlan(index).reads`. */
export function appendHashes(
  index: number,
  leafHashValue: Buffer,
  siblings: Buffer[],
): { address: NodeAddress; hash: Buffer }[] {
  const { writes } = appendPlan(index);
  const result: { address: NodeAddress; hash: Buffer }[] = [];
  let current = leafHashValue;
  writes.forEach((address, step) => {
    if (step > 0) {
      const sibling = siblings[step - 1];
      if (!sibling) throw new Error(`missing left sibling at level ${step - 1} for leaf ${index}`);
      current = nodeHash(sibling, current);
    }
    result.push({ address, hash: current });
  });
  return result;
}

/**
 * The nodes completed by appending `leafHashes` at indexes `from`, `from + 1`, ... in one go. Left siblings
 * older than the group are read through `lookup`; they are all among `rangeNodes(0, from)` (the maximal
 * complete subtrees of the tree before the group), so a caller can fetch exactly those first.
 */
export function appendGroupHashes(
  from: number,
  leafHashes: Buffer[],
  lookup: NodeLookup,
): { address: NodeAddress; hash: Buffer }[] {
  const made = new Map<string, Buffer>();
  const result: { address: NodeAddress; hash: Buffer }[] = [];
  leafHashes.forEach((leaf, offset) => {
    const index = from + offset;
    const siblings = appendPlan(index).reads.map(
      (address) => made.get(`${address.level}:${address.index}`) ?? lookup(address),
    );
    for (const node of appendHashes(index, leaf, siblings)) {
      made.set(`${node.address.level}:${node.address.index}`, node.hash);
      result.push(node);
    }
  });
  return result;
}
