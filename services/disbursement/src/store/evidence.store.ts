import type { Connection } from 'mongoose';
import type { EvidenceFile } from '../domain/evidence.ts';
import { evidenceChunkModel, evidenceModel, type EvidenceDocument } from './evidence.model.ts';

const chunkBytes = 1024 * 1024;

export type EvidenceStore = ReturnType<typeof createEvidenceStore>;

function toFile(doc: EvidenceDocument): EvidenceFile {
  const {
    _id,
    disbursementId,
    campaignId,
    organizationId,
    name,
    contentType,
    size,
    sha256,
    uploadedBy,
    uploadedAt,
  } = doc;
  return {
    id: _id,
    disbursementId,
    campaignId,
    organizationId,
    name,
    contentType,
    size,
    sha256,
    uploadedBy,
    uploadedAt,
  };
}

export function createEvidenceStore(connection: Connection) {
  const files = evidenceModel(connection);
  const chunks = evidenceChunkModel(connection);
  return {
    /** Chunks first (upserts by deterministic id, so a retry rewrites the same ones), the description last. */
    async save(file: EvidenceFile, bytes: Buffer): Promise<void> {
      const count = Math.ceil(bytes.length / chunkBytes);
      for (let n = 0; n < count; n += 1) {
        const data = bytes.subarray(n * chunkBytes, (n + 1) * chunkBytes);
        await chunks.updateOne(
          { _id: `${file.id}:${n}` },
          { $set: { evidenceId: file.id, n, data } },
          { upsert: true },
        );
      }
      const { id, ...fields } = file;
      await files.updateOne({ _id: id }, { $set: { ...fields, chunks: count } }, { upsert: true });
    },

    async find(id: string): Promise<EvidenceFile | null> {
      const doc = await files.findById(id).lean<EvidenceDocument>();
      return doc ? toFile(doc) : null;
    },

    async content(id: string): Promise<Buffer> {
      // By `_id`: the description says how many chunks there are, and a chunk's id is `<file>:<n>` (the local
      // database indexes nothing else, so a filter on evidenceId read every chunk of every file).
      const count =
        (await files.findById(id, { chunks: 1 }).lean<Pick<EvidenceDocument, 'chunks'>>())?.chunks ?? 0;
      if (count === 0) return Buffer.alloc(0);
      const docs = (
        await chunks.find({ _id: { $in: Array.from({ length: count }, (_, n) => `${id}:${n}`) } }).lean()
      ).sort((a, b) => a.n - b.n);
      // Lean reads give BSON Binary values rather than Buffers.
      return Buffer.concat(docs.map((doc) => asBuffer(doc.data as unknown)));
    },
  };
}

function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const binary = value as { buffer: Uint8Array };
  return Buffer.from(binary.buffer.buffer, binary.buffer.byteOffset, binary.buffer.byteLength);
}
