import { verifyConsistency, verifyInclusion } from '@aid/log-verifier';
import { connectDatabase } from '@aid/store';
import { testEndpoints, uniqueName } from '@aid/test-kit';
import { createHash, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendGroupHashes, emptyRoot, nodeHash, splitPoint } from '../domain/merkle.ts';
import { createMerkleStore } from './merkle-store.ts';
import { treeNodeId, treeNodeModel } from './tree-node.model.ts';
import { runField, tileRunsOf, treeTileId, treeTileModel } from './tree-tile.model.ts';

/** MTH straight from RFC 6962 §2.1 over all leaves: what the stored nodes must give. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return emptyRoot;
  if (leaves.length === 1) return leaves[0] as Buffer;
  const k = splitPoint(leaves.length);
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

const leafHashes = (count: number, seed = 'gift'): Buffer[] =>
  Array.from({ length: count }, (_, index) => createHash('sha256').update(`${seed}:${index}`).digest());

/** Groups of the given sizes, appended one after the other. */
async function appendGroups(
  store: ReturnType<typeof createMerkleStore>,
  campaignId: string,
  leaves: Buffer[],
  sizes: number[],
): Promise<void> {
  let from = 0;
  for (const size of sizes) {
    await store.addLeaves(campaignId, from, leaves.slice(from, from + size));
    from += size;
  }
  expect(from).toBe(leaves.length);
}

/** Roots, inclusion and consistency proofs of a fresh store (nothing cached): all read from the database. */
async function expectProves(
  db: Connection,
  campaignId: string,
  leaves: Buffer[],
  sample: number[],
): Promise<void> {
  const store = createMerkleStore(db);
  const size = leaves.length;
  const root = await store.root(campaignId, size);
  expect(root.equals(referenceRoot(leaves))).toBe(true);
  for (const index of sample) {
    const proof = await store.inclusionProof(campaignId, index, size);
    expect(await verifyInclusion(index, size, leaves[index] as Buffer, proof, root)).toBe(true);
    const from = index + 1;
    if (from < size) {
      const consistency = await store.consistencyProof(campaignId, from, size);
      expect(
        await verifyConsistency(from, size, consistency, referenceRoot(leaves.slice(0, from)), root),
      ).toBe(true);
    }
  }
}

async function tilesOf(db: Connection, campaignId: string) {
  const tiles = await treeTileModel(db).collection.find<Record<string, unknown>>({}).toArray();
  return tiles
    .filter((tile) => String(tile._id).startsWith(`${campaignId}:`))
    .sort((a, b) => String(a._id).localeCompare(String(b._id)));
}

describe('Merkle nodes stored in tiles', () => {
  let db: Connection;

  beforeAll(async () => {
    db = await connectDatabase(testEndpoints().mongoUrl, uniqueName('ledger_tiles'));
  });

  afterAll(async () => {
    await db?.dropDatabase();
    await db?.close();
  });

  it('when groups fill tiles partly and later groups complete them, then roots and proofs read back match RFC 6962', async () => {
    const campaignId = randomUUID();
    const leaves = leafHashes(1_300);
    // Group edges inside tiles (100, 400, 401, 700) and on them (256 + …), at every height.
    await appendGroups(createMerkleStore(db), campaignId, leaves, [100, 300, 1, 255, 44, 300, 300]);
    await expectProves(
      db,
      campaignId,
      leaves,
      [0, 99, 100, 255, 256, 400, 511, 512, 700, 1_023, 1_024, 1_299],
    );
    // Six tiles of leaves (the last partial) and one above them; the leaves of the second came in three groups.
    const tiles = await tilesOf(db, campaignId);
    expect(tiles.map((tile) => tile._id)).toEqual(
      [0, 1, 2, 3, 4, 5].map((tile) => treeTileId(campaignId, 0, tile)).concat(treeTileId(campaignId, 1, 0)),
    );
    expect(
      Object.keys(tiles[1] ?? {})
        .filter((field) => field.startsWith('n0_'))
        .sort(),
    ).toEqual(['n0_0', 'n0_144', 'n0_145']);
  });

  it('when leaves are appended one at a time, then the tiles give the same root and proofs as one group', async () => {
    const campaignId = randomUUID();
    const leaves = leafHashes(300, 'single');
    const store = createMerkleStore(db);
    for (const [index, leaf] of leaves.entries())
      await store.addLeaf(campaignId, index, leaf.toString('hex'));
    await expectProves(db, campaignId, leaves, [0, 1, 127, 255, 256, 299]);
  });

  it('when a group is written again (its finisher after a crash), then the tiles are unchanged and the proofs still hold', async () => {
    const campaignId = randomUUID();
    const leaves = leafHashes(700, 'again');
    await appendGroups(createMerkleStore(db), campaignId, leaves, [200, 500]);
    const before = await tilesOf(db, campaignId);
    // Another process, nothing cached, finishes the second group again.
    await createMerkleStore(db).addLeaves(campaignId, 200, leaves.slice(200, 700));
    expect(await tilesOf(db, campaignId)).toEqual(before);
    await expectProves(db, campaignId, leaves, [0, 199, 200, 511, 699]);
  });

  it("when a crash left some of a group's tiles unwritten, then finishing the group writes them and every proof holds", async () => {
    const campaignId = randomUUID();
    const leaves = leafHashes(900, 'crash');
    await appendGroups(createMerkleStore(db), campaignId, leaves.slice(0, 300), [300]);
    await createMerkleStore(db).addLeaves(campaignId, 300, leaves.slice(300));
    // Remove what the group [300, 900) wrote to some of its tiles, as a crash before those writes would leave them:
    // two tiles it wrote whole, its leaves in the tile it shares with the group before, its level-8 nodes.
    const tiles = treeTileModel(db).collection;
    await tiles.deleteMany({
      _id: { $in: [treeTileId(campaignId, 0, 2), treeTileId(campaignId, 0, 3)] },
    } as never);
    await tiles.updateOne({ _id: treeTileId(campaignId, 0, 1) } as never, { $unset: { n0_44: '' } });
    await tiles.updateOne({ _id: treeTileId(campaignId, 1, 0) } as never, { $unset: { n0_1: '' } });
    await expect(createMerkleStore(db).root(campaignId, 900)).rejects.toThrow(/is missing/);
    await createMerkleStore(db).addLeaves(campaignId, 300, leaves.slice(300));
    await expectProves(db, campaignId, leaves, [0, 299, 300, 555, 768, 899]);
  });

  it('when logs were written as one document per node before tiles, then start-up moves every node into tiles, again after a crash before the drop, and the logs prove and grow as before', async () => {
    const grown = randomUUID();
    const untouched = randomUUID();
    const leaves = leafHashes(600, 'legacy');
    const otherLeaves = leafHashes(77, 'legacy-other');
    const legacyNodes = new Map<string, Buffer>();
    const fromEmpty = (): Buffer => {
      throw new Error('a log from empty reads nothing');
    };
    for (const [campaignId, written] of [
      [grown, leaves.slice(0, 333)],
      [untouched, otherLeaves],
    ] as const) {
      for (const { address, hash } of appendGroupHashes(0, written, fromEmpty))
        legacyNodes.set(treeNodeId(campaignId, address.level, address.index), hash);
    }
    const storeLegacy = () =>
      treeNodeModel(db).insertMany(
        [...legacyNodes].map(([_id, hash]) => ({ _id, hash: hash.toString('hex') })),
      );
    await storeLegacy();
    // A version that read tree_nodes grew the first log into tiles: only the nodes it did not have went there.
    const grownNodes = appendGroupHashes(
      333,
      leaves.slice(333),
      (address) => legacyNodes.get(treeNodeId(grown, address.level, address.index)) as Buffer,
    );
    for (const [tileId, runs] of tileRunsOf(grown, grownNodes)) {
      await treeTileModel(db).collection.updateOne(
        { _id: tileId } as never,
        { $set: Object.fromEntries(runs.map((run) => [runField(run.height, run.first), run.bytes])) },
        { upsert: true },
      );
    }
    // Before the move, a proof inside the old part finds nothing in tiles.
    await expect(createMerkleStore(db).inclusionProof(grown, 5, 600)).rejects.toThrow(/is missing/);

    // Small slices: a tile's runs are written across several of them.
    expect(await createMerkleStore(db).moveNodesToTiles(7)).toBe(legacyNodes.size);
    expect(await treeNodeModel(db).countDocuments()).toBe(0);
    await expectProves(db, grown, leaves, [0, 200, 332, 333, 511, 512, 599]);
    await expectProves(db, untouched, otherLeaves, [0, 63, 64, 76]);

    // A crash after the tiles were written and before the drop: the next start moves the same nodes again and
    // changes no tile.
    const tilesBefore = await tilesOf(db, grown);
    await storeLegacy();
    expect(await createMerkleStore(db).moveNodesToTiles()).toBe(legacyNodes.size);
    expect(await tilesOf(db, grown)).toEqual(tilesBefore);
    // Nothing left to move: one empty read.
    expect(await createMerkleStore(db).moveNodesToTiles()).toBe(0);

    const more = [...leaves, ...leafHashes(300, 'after')];
    await createMerkleStore(db).addLeaves(grown, 600, more.slice(600));
    await expectProves(db, grown, more, [0, 332, 599, 600, 767, 899]);
  });
});
