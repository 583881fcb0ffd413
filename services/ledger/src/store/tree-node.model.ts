import { Schema, type Connection } from 'mongoose';

/** The hash of one complete subtree of a campaign's Merkle tree; written once, never changed. */
export interface TreeNodeDocument {
  _id: string;
  hash: string;
}

const schema = new Schema<TreeNodeDocument>({ _id: { type: String, required: true }, hash: { type: String, required: true } }, { versionKey: false });

export function treeNodeModel(db: Connection) {
  return db.model<TreeNodeDocument>('TreeNode', schema, 'tree_nodes');
}

export function treeNodeId(campaignId: string, level: number, index: number): string {
  return `${campaignId}:${level}:${index}`;
}
