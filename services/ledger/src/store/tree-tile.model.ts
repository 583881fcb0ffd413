import { Schema, type Connection, type mongo } from 'mongoose';
import type { NodeAddress } from '../domain/merkle.ts';

/**
 * A campaign's Merkle nodes, stored as tiles: FerretDB's cost is per document (and per field set), so one
 * document per node made the nodes half of an append's work. A tile is a complete subtree 8 levels high: tile `t`
 * of band `b` holds the nodes of levels 8b … 8b+7 above the 256 nodes `t·256 … t·256+255` of level 8b
 * (256 + 128 + … + 2 = 510 hashes). The subtree's own root is at level 8b+8, the bottom of band b+1, so every
 * node is in exactly one tile. An append group of 1,000 leaves touches about five tiles of band 0 and one or two
 * above: a handful of `$set` upserts instead of ~2,000 inserted documents; a proof's path, which stays in one
 * subtree per band, reads a few tiles.
 *
 * Inside a tile, the hashes one write completes at one height are a single binary field `n<height>_<first>`:
 * the 32-byte hashes of positions `first, first + 1, …` of that height in the tile. Binary runs rather than a
 * field per hash because FerretDB's update time grows with the number of fields set; named by their first
 * position (keys may hold neither `.` nor a leading `$`) so that a write is idempotent: a group finished again
 * sets the same fields to the same bytes. Runs of different writes never disagree where they overlap (a hash
 * is fixed by the leaves under it), so a reader takes a node from whichever run covers it. A tile at the log's
 * right edge is partial and gets further runs from later groups.
 */
export interface TreeTileDocument {
  _id: string;
  [run: `n${number}_${number}`]: mongo.Binary;
}

export const tileHeight = 8;
const tileWidth = 2 ** tileHeight;
export const hashBytes = 32;

export interface TileSlot {
  band: number;
  tile: number;
  /** The node's level within the tile, 0 … 7. */
  height: number;
  /** The node's position among the tile's nodes of its height, 0 … 255 >> height. */
  position: number;
}

/** Where a node lives. */
export function tileSlot({ level, index }: NodeAddress): TileSlot {
  const band = Math.floor(level / tileHeight);
  const height = level - band * tileHeight;
  const across = tileWidth / 2 ** height;
  const tile = Math.floor(index / across);
  return { band, tile, height, position: index - tile * across };
}

export function treeTileId(campaignId: string, band: number, tile: number): string {
  return `${campaignId}:${band}:${tile}`;
}

export const runField = (height: number, first: number): `n${number}_${number}` => `n${height}_${first}`;

const runPattern = /^n(\d+)_(\d+)$/;

/** A tile's runs by height, each the hashes of positions `first, first + 1, …`: a tile read once, kept to look nodes up in. */
export type TileRuns = Map<number, { first: number; bytes: Uint8Array }[]>;

/** The runs of a stored tile (run fields hold the driver's Binary: its bytes are `buffer` up to `position`). */
export function tileRuns(tile: Record<string, unknown>): TileRuns {
  const runs: TileRuns = new Map();
  for (const [field, value] of Object.entries(tile)) {
    const match = runPattern.exec(field);
    if (!match) continue;
    const binary = value as { buffer: Uint8Array; position?: number };
    addRun(
      runs,
      Number(match[1]),
      Number(match[2]),
      binary.buffer.subarray(0, binary.position ?? binary.buffer.length),
    );
  }
  return runs;
}

/** Adds a run just written to a tile's runs (a run set again replaces itself with the same bytes). */
export function addRun(runs: TileRuns, height: number, first: number, bytes: Uint8Array): void {
  const atHeight = (runs.get(height) ?? []).filter((run) => run.first !== first);
  atHeight.push({ first, bytes });
  runs.set(height, atHeight);
}

/** The hash at (height, position) from a tile's runs, or undefined when no run written so far covers it. */
export function hashInRuns(runs: TileRuns, height: number, position: number): Buffer | undefined {
  for (const { first, bytes } of runs.get(height) ?? []) {
    const offset = (position - first) * hashBytes;
    if (offset >= 0 && offset + hashBytes <= bytes.length)
      return Buffer.from(bytes.subarray(offset, offset + hashBytes));
  }
  return undefined;
}

// Strict off: the runs are fields named by position; writes and reads go through the driver.
const schema = new Schema<TreeTileDocument>(
  { _id: { type: String, required: true } },
  { versionKey: false, strict: false },
);

export function treeTileModel(db: Connection) {
  return db.model<TreeTileDocument>('TreeTile', schema, 'tree_tiles');
}

/**
 * The runs to set for some nodes of a campaign, by tile: at each height, each stretch of consecutive positions
 * is one run (an append's nodes make one run per height; older logs' nodes moved into tiles may make several).
 */
export function tileRunsOf(
  campaignId: string,
  nodes: readonly { address: NodeAddress; hash: Buffer }[],
): Map<string, { height: number; first: number; bytes: Buffer }[]> {
  const byTile = new Map<string, { height: number; position: number; hash: Buffer }[]>();
  for (const { address, hash } of nodes) {
    const { band, tile, height, position } = tileSlot(address);
    const id = treeTileId(campaignId, band, tile);
    const slots = byTile.get(id);
    if (slots) slots.push({ height, position, hash });
    else byTile.set(id, [{ height, position, hash }]);
  }
  const runs = new Map<string, { height: number; first: number; bytes: Buffer }[]>();
  for (const [id, slots] of byTile) {
    slots.sort((a, b) => a.height - b.height || a.position - b.position);
    const tileRuns: { height: number; first: number; hashes: Buffer[] }[] = [];
    for (const { height, position, hash } of slots) {
      const last = tileRuns.at(-1);
      if (last && last.height === height && last.first + last.hashes.length === position)
        last.hashes.push(hash);
      else if (!(last && last.height === height && last.first + last.hashes.length > position))
        tileRuns.push({ height, first: position, hashes: [hash] });
    }
    runs.set(
      id,
      tileRuns.map(({ height, first, hashes }) => ({ height, first, bytes: Buffer.concat(hashes) })),
    );
  }
  return runs;
}
