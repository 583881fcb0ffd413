import { describe, expect, it } from 'vitest';
import { addRun, hashInRuns, runField, tileRuns, tileSlot, treeTileId } from './tree-tile.model.ts';

const hashOf = (seed: number) => Buffer.alloc(32, seed);

describe('Merkle tile addressing', () => {
  it.each([
    { node: { level: 0, index: 0 }, slot: { band: 0, tile: 0, height: 0, position: 0 } },
    { node: { level: 0, index: 255 }, slot: { band: 0, tile: 0, height: 0, position: 255 } },
    { node: { level: 0, index: 256 }, slot: { band: 0, tile: 1, height: 0, position: 0 } },
    { node: { level: 1, index: 127 }, slot: { band: 0, tile: 0, height: 1, position: 127 } },
    { node: { level: 1, index: 130 }, slot: { band: 0, tile: 1, height: 1, position: 2 } },
    { node: { level: 7, index: 1 }, slot: { band: 0, tile: 0, height: 7, position: 1 } },
    { node: { level: 7, index: 5 }, slot: { band: 0, tile: 2, height: 7, position: 1 } },
    { node: { level: 8, index: 0 }, slot: { band: 1, tile: 0, height: 0, position: 0 } },
    { node: { level: 8, index: 300 }, slot: { band: 1, tile: 1, height: 0, position: 44 } },
    { node: { level: 17, index: 3 }, slot: { band: 2, tile: 0, height: 1, position: 3 } },
  ])(
    'when node $node.level:$node.index is addressed, then it is in band $slot.band, tile $slot.tile, height $slot.height, position $slot.position',
    ({ node, slot }) => {
      expect(tileSlot(node)).toEqual(slot);
    },
  );

  it('when every node of the subtree above 256 level-8 nodes is addressed, then all 510 are in that one tile at distinct slots', () => {
    const tile = 3;
    const slots = new Set<string>();
    for (let height = 0; height < 8; height += 1) {
      const across = 256 >> height;
      for (let index = tile * across; index < (tile + 1) * across; index += 1) {
        const slot = tileSlot({ level: 8 + height, index });
        expect([slot.band, slot.tile, slot.height]).toEqual([1, tile, height]);
        slots.add(`${slot.height}:${slot.position}`);
      }
    }
    expect(slots.size).toBe(510);
    // The subtree's own root belongs to the band above.
    expect(tileSlot({ level: 16, index: tile }).band).toBe(2);
  });

  it('when tile ids and run fields are named, then they hold no "." and do not start with "$"', () => {
    for (const name of [
      treeTileId('0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 2, 17),
      runField(7, 1),
      runField(0, 255),
    ]) {
      expect(name).not.toMatch(/\.|^\$/);
    }
  });
});

describe('hash lookup in a tile', () => {
  // Height 0 filled by two groups (positions 0-2, then 3-4), height 1 by one write of position 1 only.
  const tile = {
    _id: 'c:0:0',
    [runField(0, 0)]: { buffer: Buffer.concat([hashOf(1), hashOf(2), hashOf(3)]) },
    [runField(0, 3)]: { buffer: Buffer.concat([hashOf(4), hashOf(5)]) },
    [runField(1, 1)]: { buffer: hashOf(9) },
  };

  it.each([
    { height: 0, position: 0, seed: 1 },
    { height: 0, position: 2, seed: 3 },
    { height: 0, position: 3, seed: 4 },
    { height: 0, position: 4, seed: 5 },
    { height: 1, position: 1, seed: 9 },
  ])(
    'when a run covers height $height position $position, then its hash is found',
    ({ height, position, seed }) => {
      expect(hashInRuns(tileRuns(tile), height, position)?.equals(hashOf(seed))).toBe(true);
    },
  );

  it.each([
    { height: 0, position: 5 },
    { height: 1, position: 0 },
    { height: 1, position: 2 },
    { height: 2, position: 0 },
  ])(
    'when no run covers height $height position $position (not written yet), then nothing is found',
    ({ height, position }) => {
      expect(hashInRuns(tileRuns(tile), height, position)).toBeUndefined();
    },
  );

  it('when runs of two writes overlap, then a node they share is read from either', () => {
    const rewritten = { ...tile, [runField(0, 2)]: { buffer: Buffer.concat([hashOf(3), hashOf(4)]) } };
    expect(hashInRuns(tileRuns(rewritten), 0, 2)?.equals(hashOf(3))).toBe(true);
    expect(hashInRuns(tileRuns(rewritten), 0, 3)?.equals(hashOf(4))).toBe(true);
  });

  it('when a read Binary holds spare capacity past its bytes, then only its bytes count as hashes', () => {
    const bytes = Buffer.concat([hashOf(1), hashOf(2), Buffer.alloc(64)]);
    const runs = tileRuns({ _id: 'c:0:0', [runField(0, 0)]: { buffer: bytes, position: 64 } });
    expect(hashInRuns(runs, 0, 1)?.equals(hashOf(2))).toBe(true);
    expect(hashInRuns(runs, 0, 2)).toBeUndefined();
  });

  it('when a run just written is added to cached runs, then its nodes are found beside the older ones, and setting it again changes nothing', () => {
    const runs = tileRuns(tile);
    addRun(runs, 0, 5, Buffer.concat([hashOf(6), hashOf(7)]));
    addRun(runs, 0, 5, Buffer.concat([hashOf(6), hashOf(7)]));
    expect(runs.get(0)).toHaveLength(3);
    expect(hashInRuns(runs, 0, 6)?.equals(hashOf(7))).toBe(true);
    expect(hashInRuns(runs, 0, 1)?.equals(hashOf(2))).toBe(true);
  });
});
