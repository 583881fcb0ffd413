import mongoose, { type Connection, type Model } from 'mongoose';
import type { EvidenceType } from '../domain/evidence.ts';

/**
 * An uploaded evidence file's description. Its bytes are in `evidence_chunks`; this document is written last,
 * so an upload interrupted half-way leaves only orphan chunks, never a file that claims bytes it lacks.
 */
export interface EvidenceDocument {
  _id: string;
  disbursementId: string;
  campaignId: string;
  organizationId: string;
  name: string;
  contentType: EvidenceType;
  size: number;
  sha256: string;
  chunks: number;
  uploadedBy: string;
  uploadedAt: Date;
}

const schema = new mongoose.Schema<EvidenceDocument>(
  {
    _id: { type: String, required: true },
    disbursementId: { type: String, required: true },
    campaignId: { type: String, required: true },
    organizationId: { type: String, required: true },
    name: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    chunks: { type: Number, required: true },
    uploadedBy: { type: String, required: true },
    uploadedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'evidence' },
);

/**
 * Up to 1 MB of one file. Chunks live in the service's own database rather than on a local disk so every
 * instance serves every file and backups cover them; GridFS is not available on FerretDB, so this is the same
 * idea by hand.
 */
export interface EvidenceChunkDocument {
  _id: string;
  evidenceId: string;
  n: number;
  data: Buffer;
}

const chunkSchema = new mongoose.Schema<EvidenceChunkDocument>(
  {
    _id: { type: String, required: true },
    evidenceId: { type: String, required: true },
    n: { type: Number, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false, collection: 'evidence_chunks' },
);

// No secondary index: a file's chunks are read back by their ids, `<evidenceId>:<n>`.

export function evidenceModel(connection: Connection): Model<EvidenceDocument> {
  return connection.model<EvidenceDocument>('Evidence', schema);
}

export function evidenceChunkModel(connection: Connection): Model<EvidenceChunkDocument> {
  return connection.model<EvidenceChunkDocument>('EvidenceChunk', chunkSchema);
}
