import type { Connection } from 'mongoose';
import { appendGroupHashes, appendHashes, appendPlan, consistencyRanges, inclusionRanges, nodesFor, rangeHash, rangeNodes, type NodeAddress } from '../domain/merkle.ts';
import { treeNodeId, treeNodeModel } from './tree-node.model.ts';
import { hashInTile, runField, tileSlot, treeTileId, treeTileModel, type TileSlot } from './tree-tile.model.ts';


/**
 * Reads and writes a campaign's stored Merkle nodes, kept in tiles (see tree-tile.model.ts): an append sets the
 * new hashes with one upsert per touched tile, and every read is a single `$in` query of the O(log n) nodes'
 * tiles. Logs written before tiles keep their nodes as one `tree_nodes` document each; a node not found in its
 * tile is looked up there, so those logs still prove and grow (their new nodes go to tiles).
 *
 * A node's hash never changes once written (it is fixed by the leaves under it), so nodes are also kept in a
 * bounded in-process cache: an append's left siblings were written moments ago, and every proof shares the
 * upper levels.
 */
export function createMerkleStore(db: Connection, cacheLimit = 500_000) {
  const tiles = treeTileModel(db);
  const legacyNodes = treeNodeModel(db);
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

  /** Reads the nodes' tiles in one query, then what they lack (nodes of logs written before tiles) from `tree_nodes`. */
  async function fetchMissing(campaignId: string, missing: NodeAddress[]): Promise<void> {
    const wanted = new Map<string, { id: string; slot: TileSlot }[]>();
    for (const address of missing) {
      const slot = tileSlot(address);
      const tileId = treeTileId(campaignId, slot.band, slot.tile);
      const nodes = wanted.get(tileId) ?? [];
      nodes.push({ id: treeNodeId(campaignId, address.level, address.index), slot });
      wanted.set(tileId, nodes);
    }
    const found = await tiles.collection.find<Record<string, unknown>>({ _id: { $in: [...wanted.keys()] } } as never).toArray();
    for (const tile of found) {
      for (const { id, slot } of wanted.get(tile._id as string) ?? []) {
        const hash = hashInTile(tile, slot.height, slot.position);
        if (hash) remember(id, hash);
      }
    }
    const legacy = missing.map((address) => treeNodeId(campaignId, address.level, address.index)).filter((id) => !cache.has(id));
    if (legacy.length === 0) return;
    for (const doc of await legacyNodes.find({ _id: { $in: legacy } }).lean()) remember(doc._id, Buffer.from(doc.hash, 'hex'));
  }

  async function read(campaignId: string, addresses: NodeAddress[]) {
    const missing = addresses.filter((address) => !cache.has(treeNodeId(campaignId, address.level, address.index)));
    if (missing.length > 0) await fetchMissing(campaignId, missing);
    const found = new Map(addresses.flatMap((address) => {
      const id = treeNodeId(campaignId, address.level, address.index);
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

  /**
   * One `$set` upsert per touched tile (not a bulkWrite: FerretDB hangs on large ones), each new run of consecutive
   * positions of a height one binary field. Setting a run again writes the same bytes, so a crash between the
   * tiles is repaired by whoever finishes the group. Unlike one document per node, two writers of one tile rely on
   * single-document atomicity (MongoDB, the launcher's FerretDB build; on a stock FerretDB the one connection per
   * process keeps a single instance safe, as for every other document here).
   */
  async function write(campaignId: string, computed: { address: NodeAddress; hash: Buffer }[]): Promise<void> {
    const runs = new Map<string, Map<number, { first: number; hashes: Buffer[] }>>();
    const ordered = [...computed].sort((a, b) => a.address.level - b.address.level || a.address.index - b.address.index);
    for (const { address, hash } of ordered) {
      const { band, tile, height, position } = tileSlot(address);
      const tileId = treeTileId(campaignId, band, tile);
      const tileRuns = runs.get(tileId) ?? new Map<number, { first: number; hashes: Buffer[] }>();
      runs.set(tileId, tileRuns);
      const run = tileRuns.get(height);
      if (run && run.first + run.hashes.length === position) run.hashes.push(hash);
      else if (!run) tileRuns.set(height, { first: position, hashes: [hash] });
      else throw new Error(`Merkle nodes of one write are not consecutive at level ${address.level}`);
    }
    for (const [tileId, tileRuns] of runs) {
      const fields = Object.fromEntries([...tileRuns].map(([height, run]) => [runField(height, run.first), Buffer.concat(run.hashes)]));
      // The driver's own update: mongoose would cast the runs against a schema that does not name them.
      await tiles.collection.updateOne({ _id: tileId } as never, { $set: fields }, { upsert: true });
    }
    // Only once stored: a node in the cache is always a node in the database.
    for (const { address, hash } of computed) remember(treeNodeId(campaignId, address.level, address.index), hash);
  }

  return {
    /** Stores the nodes that appending leaf `index` completes. Idempotent: a retry after a crash sets the same hashes again. */
    async addLeaf(campaignId: string, index: number, leafHashHex: string): Promise<void> {
      const plan = appendPlan(index);
      const lookup = await read(campaignId, plan.reads);
      await write(campaignId, appendHashes(index, Buffer.from(leafHashHex, 'hex'), plan.reads.map(lookup)));
    },

    /**
     * Stores the nodes that appending a group of leaves completes, a few tile writes. Idempotent like addLeaf:
     * whoever finishes an interrupted group sets the same hashes in the same slots.
     */
    async addLeaves(campaignId: string, from: number, leafHashes: Buffer[]): Promise<void> {
      if (leafHashes.length === 0) return;
      const lookup = await read(campaignId, rangeNodes(0, from));
      await write(campaignId, appendGroupHashes(from, leafHashes, lookup));
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
