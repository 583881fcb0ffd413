import type { Connection } from 'mongoose';
import {
  appendGroupHashes,
  appendHashes,
  appendPlan,
  consistencyRanges,
  inclusionRanges,
  nodesFor,
  rangeHash,
  rangeNodes,
  type NodeAddress,
} from '../domain/merkle.ts';
import { parseTreeNodeId, treeNodeId, treeNodeModel } from './tree-node.model.ts';
import {
  addRun,
  hashInRuns,
  runField,
  tileRuns,
  tileRunsOf,
  tileSlot,
  treeTileId,
  treeTileModel,
  type TileRuns,
} from './tree-tile.model.ts';

/** Least recently used first: Maps iterate in insertion order, and a hit is inserted again. */
function touch<V>(cache: Map<string, V>, key: string, value: V, limit: number): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size <= limit) return;
  let evict = Math.ceil(limit / 10);
  for (const stale of cache.keys()) {
    if (evict-- <= 0) break;
    cache.delete(stale);
  }
}

/**
 * Reads and writes a campaign's stored Merkle nodes, kept in tiles (see tree-tile.model.ts): an append sets the
 * new hashes with one upsert per touched tile, and every read is a single `$in` query of the O(log n) nodes'
 * tiles. Logs written before tiles kept their nodes as one `tree_nodes` document each: `moveNodesToTiles` moves
 * them at start-up, before anything is read.
 *
 * A node's hash never changes once written (it is fixed by the leaves under it), so the tiles read or written are
 * kept whole in a bounded in-process cache (about 16 KB a full tile; the default holds every tile of a log of a
 * million entries): an append's left siblings were written moments ago, every proof shares the upper levels,
 * and a proof's tile serves the next proof near it. A cached tile may lack runs written since (the log's right
 * edge grows); a node it lacks sends the whole tile to be read again.
 */
export function createMerkleStore(db: Connection, tileCacheLimit = 4_096) {
  const tiles = treeTileModel(db);
  const cachedTiles = new Map<string, TileRuns>();

  function tileOf(campaignId: string, address: NodeAddress) {
    const slot = tileSlot(address);
    return { id: treeTileId(campaignId, slot.band, slot.tile), slot };
  }

  function cachedHash(campaignId: string, address: NodeAddress): Buffer | undefined {
    const { id, slot } = tileOf(campaignId, address);
    const runs = cachedTiles.get(id);
    const hash = runs && hashInRuns(runs, slot.height, slot.position);
    if (runs && hash) touch(cachedTiles, id, runs, tileCacheLimit);
    return hash;
  }

  /** Reads the missing nodes' tiles whole in one query. */
  async function fetchMissing(
    campaignId: string,
    missing: NodeAddress[],
    found: Map<string, Buffer>,
  ): Promise<void> {
    const tileIds = [...new Set(missing.map((address) => tileOf(campaignId, address).id))];
    const stored = await tiles.collection
      .find<Record<string, unknown>>({ _id: { $in: tileIds } } as never)
      .toArray();
    for (const tile of stored) touch(cachedTiles, tile._id as string, tileRuns(tile), tileCacheLimit);
    for (const address of missing) {
      const hash = cachedHash(campaignId, address);
      if (hash) found.set(treeNodeId(campaignId, address.level, address.index), hash);
    }
  }

  async function read(campaignId: string, addresses: NodeAddress[]) {
    const found = new Map<string, Buffer>();
    const missing: NodeAddress[] = [];
    for (const address of addresses) {
      const hash = cachedHash(campaignId, address);
      if (hash) found.set(treeNodeId(campaignId, address.level, address.index), hash);
      else missing.push(address);
    }
    if (missing.length > 0) await fetchMissing(campaignId, missing, found);
    return (address: NodeAddress): Buffer => {
      const hash = found.get(treeNodeId(campaignId, address.level, address.index));
      if (!hash) throw new Error(`Merkle node ${address.level}:${address.index} of ${campaignId} is missing`);
      return hash;
    };
  }

  /**
   * One `$set` upsert per touched tile (a group touches a few, and the local database commits upserts one by one
   * even in a bulk write), each run of consecutive positions of a height one binary field. Setting a run again
   * writes the same bytes, so a crash between the tiles is repaired by whoever finishes the group. Unlike one
   * document per node, two writers of one tile rely on single-document atomicity (MongoDB, the launcher's
   * FerretDB build; on a stock FerretDB the one connection per process keeps a single instance safe, as for every
   * other document here).
   */
  async function write(
    campaignId: string,
    computed: { address: NodeAddress; hash: Buffer }[],
  ): Promise<void> {
    for (const [tileId, runs] of tileRunsOf(campaignId, computed)) {
      // The driver's own update: mongoose would cast the runs against a schema that does not name them.
      await tiles.collection.updateOne(
        { _id: tileId } as never,
        { $set: Object.fromEntries(runs.map((run) => [runField(run.height, run.first), run.bytes])) },
        { upsert: true },
      );
      // Only once stored: a node in the cache is always a node in the database. A tile not cached starts with
      // these runs alone; a node of its older runs is then a miss, which reads the tile whole.
      const cached: TileRuns =
        cachedTiles.get(tileId) ?? new Map<number, { first: number; bytes: Uint8Array }[]>();
      for (const run of runs) addRun(cached, run.height, run.first, run.bytes);
      touch(cachedTiles, tileId, cached, tileCacheLimit);
    }
  }

  /**
   * Moves the nodes of logs written before tiles, one `tree_nodes` document each, into their tiles, then drops
   * `tree_nodes`; the number of nodes moved. Streams the collection once, in slices of `sliceSize` nodes. A node
   * is never in both places (a log grew into tiles only with nodes it did not have), and positions a tile already
   * holds are skipped, so no run of the tile is replaced. Moving again sets the same bytes: a crash midway is
   * repaired by the next start. With nothing to move it costs one empty read.
   */
  async function moveNodesToTiles(sliceSize = 20_000): Promise<number> {
    const legacy = treeNodeModel(db).collection;
    let moved = 0;
    let slice: { campaignId: string; address: NodeAddress; hash: Buffer }[] = [];
    const moveSlice = async () => {
      const byCampaign = new Map<string, { address: NodeAddress; hash: Buffer }[]>();
      for (const { campaignId, address, hash } of slice) {
        const nodes = byCampaign.get(campaignId);
        if (nodes) nodes.push({ address, hash });
        else byCampaign.set(campaignId, [{ address, hash }]);
      }
      for (const [campaignId, nodes] of byCampaign) {
        const tileIds = [...new Set(nodes.map(({ address }) => tileOf(campaignId, address).id))];
        const stored = new Map<string, TileRuns>();
        for (const tile of await tiles.collection
          .find<Record<string, unknown>>({ _id: { $in: tileIds } } as never)
          .toArray())
          stored.set(tile._id as string, tileRuns(tile));
        const missing = nodes.filter(({ address }) => {
          const { id, slot } = tileOf(campaignId, address);
          const runs = stored.get(id);
          return !(runs && hashInRuns(runs, slot.height, slot.position));
        });
        await write(campaignId, missing);
      }
      moved += slice.length;
      slice = [];
    };
    for await (const doc of legacy.find<{ _id: string; hash: string }>({}, { batchSize: 5_000 })) {
      slice.push({ ...parseTreeNodeId(doc._id), hash: Buffer.from(doc.hash, 'hex') });
      if (slice.length >= sliceSize) await moveSlice();
    }
    if (slice.length > 0) await moveSlice();
    if (moved > 0)
      await legacy.drop().catch((error: unknown) => {
        // Another instance moving the same nodes at its start dropped it first.
        if (!/ns not found/i.test(String(error))) throw error;
      });
    return moved;
  }

  return {
    moveNodesToTiles,

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

    /** The root of the first `size` leaves and the inclusion proof of leaf `index` in it, from one read. */
    async rootAndInclusion(
      campaignId: string,
      index: number,
      size: number,
    ): Promise<{ root: Buffer; inclusion: Buffer[] }> {
      const ranges = index < size ? inclusionRanges(index, size) : [];
      const lookup = await read(campaignId, [...rangeNodes(0, size), ...nodesFor(ranges)]);
      return {
        root: rangeHash(0, size, lookup),
        inclusion: ranges.map(([start, end]) => rangeHash(start, end, lookup)),
      };
    },

    async consistencyProof(campaignId: string, from: number, to: number): Promise<Buffer[]> {
      const ranges = consistencyRanges(from, to);
      const lookup = await read(campaignId, nodesFor(ranges));
      return ranges.map(([start, end]) => rangeHash(start, end, lookup));
    },
  };
}

export type MerkleStore = ReturnType<typeof createMerkleStore>;
