import type { Connection } from 'mongoose';
import { appendGroupHashes, appendHashes, appendPlan, consistencyRanges, inclusionRanges, nodesFor, rangeHash, rangeNodes, type NodeAddress } from '../domain/merkle.ts';
import { treeNodeId, treeNodeModel } from './tree-node.model.ts';
import { isDuplicateKey } from '@aid/store';


/**
 * Reads and writes a campaign's stored Merkle nodes; every read is a single `$in` query of O(log n) ids. A node's
 * hash never changes once written (it is fixed by the leaves under it), so nodes are also kept in a bounded
 * in-process cache: an append's left siblings were written moments ago, and every proof shares the upper
 * levels. This matters on FerretDB over SQLite, whose `$in` on `_id` scans the collection.
 */
export function createMerkleStore(db: Connection, cacheLimit = 500_000) {
  const nodes = treeNodeModel(db);
  const cache = new Map<string, Buffer>();

  function remember(id: string, hash: Buffer): void {
    cache.delete(id);
    cache.set(id, hash);
    // Maps iterate in insertion order and hits are re-inserted, so the first keys are the least recently used.
    if (cache.size > cacheLimit) {
      const evict = Math.ceil(cacheLimit / 10);
      let removed = 0;
      for (const key of cache.keys()) {
        if (removed++ >= evict) break;
        cache.delete(key);
      }
    }
  }

  async function read(campaignId: string, addresses: NodeAddress[]) {
    const ids = addresses.map((address) => treeNodeId(campaignId, address.level, address.index));
    const missing = ids.filter((id) => !cache.has(id));
    if (missing.length > 0) {
      const docs = await nodes.find({ _id: { $in: missing } }).lean();
      for (const doc of docs) remember(doc._id, Buffer.from(doc.hash, 'hex'));
    }
    const found = new Map(ids.flatMap((id) => {
      const hash = cache.get(id);
      if (hash) remember(id, hash);
      return hash ? [[id, hash] as const] : [];
    }));
    return (address: NodeAddress): Buffer => {
      const hash = found.get(treeNodeId(campaignId, address.level, address.index));
      if (!hash) throw new Error(`Merkle node ${address.level}:${address.index} of ${campaignId} is missing`);
      return hash;
    };
  }

  return {
    /** Stores the nodes that appending leaf `index` completes. Idempotent: a retry after a crash rewrites nothing. */
    async addLeaf(campaignId: string, index: number, leafHashHex: string): Promise<void> {
      const plan = appendPlan(index);
      const lookup = await read(campaignId, plan.reads);
      const computed = appendHashes(index, Buffer.from(leafHashHex, 'hex'), plan.reads.map(lookup));
      try {
        await nodes.insertMany(
          computed.map(({ address, hash }) => ({ _id: treeNodeId(campaignId, address.level, address.index), hash: hash.toString('hex') })),
          { ordered: false },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Only once stored: a node in the cache is always a node in the database.
      for (const { address, hash } of computed) remember(treeNodeId(campaignId, address.level, address.index), hash);
    },

    /**
     * Stores the nodes that appending a group of leaves completes, in one bulk write. Idempotent like addLeaf:
     * whoever finishes an interrupted group writes the same nodes, and existing ones are kept.
     */
    async addLeaves(campaignId: string, from: number, leafHashes: Buffer[]): Promise<void> {
      if (leafHashes.length === 0) return;
      const lookup = await read(campaignId, rangeNodes(0, from));
      const computed = appendGroupHashes(from, leafHashes, lookup);
      try {
        // The driver's own insert: mongoose would cast and validate every one of these small documents.
        await nodes.collection.insertMany(
          computed.map(({ address, hash }) => ({ _id: treeNodeId(campaignId, address.level, address.index), hash: hash.toString('hex') })) as unknown as Record<string, unknown>[],
          { ordered: false },
        );
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      for (const { address, hash } of computed) remember(treeNodeId(campaignId, address.level, address.index), hash);
    },

    async root(campaignId: string, size: number): Promise<Buffer> {
      return rangeHash(0, size, await read(campaignId, rangeNodes(0, size)));
    },

    async inclusionProof(campaignId: string, index: number, size: number): Promise<Buffer[]> {
      const ranges = inclusionRanges(index, size);
      const lookup = await read(campaignId, nodesFor(ranges));
      return ranges.map(([start, end]) => rangeHash(start, end, lookup));
    },

    async consistencyProof(campaignId: string, from: number, to: number): Promise<Buffer[]> {
      const ranges = consistencyRanges(from, to);
      const lookup = await read(campaignId, nodesFor(ranges));
      return ranges.map(([start, end]) => rangeHash(start, end, lookup));
    },
  };
}

export type MerkleStore = ReturnType<typeof createMerkleStore>;
