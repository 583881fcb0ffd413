import type { Connection } from 'mongoose';
import { appendHashes, appendPlan, consistencyRanges, inclusionRanges, nodesFor, rangeHash, rangeNodes, type NodeAddress } from '../domain/merkle.ts';
import { treeNodeId, treeNodeModel } from './tree-node.model.ts';

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ((error as { code?: unknown }).code === 11000 || (error as { writeErrors?: { code?: number }[] }).writeErrors?.every((e) => e.code === 11000) === true);
}

/** Reads and writes a campaign's stored Merkle nodes; every read is a single `$in` query of O(log n) ids. */
export function createMerkleStore(db: Connection) {
  const nodes = treeNodeModel(db);

  async function read(campaignId: string, addresses: NodeAddress[]) {
    const ids = addresses.map((address) => treeNodeId(campaignId, address.level, address.index));
    const docs = await nodes.find({ _id: { $in: ids } }).lean();
    const byId = new Map(docs.map((doc) => [doc._id, Buffer.from(doc.hash, 'hex')]));
    return (address: NodeAddress): Buffer => {
      const hash = byId.get(treeNodeId(campaignId, address.level, address.index));
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
