import { Schema, type Connection } from 'mongoose';
import type { NodeAddress } from '../domain/merkle.ts';

/**
 * The hash of one complete subtree of a campaign's Merkle tree, one document each, as logs written before tiles
 * stored them. Read only to move them into tiles (merkle-store.ts, `moveNodesToTiles`).
 */
export interface TreeNodeDocument {
  _id: string;
  hash: string;
}

const schema = new Schema<TreeNodeDocument>(
  { _id: { type: String, required: true }, hash: { type: String, required: true } },
  { versionKey: false },
);

export function treeNodeModel(db: Connection) {
  return db.model<TreeNodeDocument>('TreeNode', schema, 'tree_nodes');
}

export function treeNodeId(campaignId: string, level: number, index: number): string {
  return `${campaignId}:${level}:${index}`;
}

export function parseTreeNodeId(id: string): { campaignId: string; address: NodeAddress } {
  const [campaignId, level, index] = id.split(':');
  return { campaignId: campaignId ?? '', address: { level: Number(level), index: Number(index) } };
}
