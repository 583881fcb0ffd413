import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** RFC 8785 canonical JSON: the exact bytes a public entry is hashed and served as. */
export function canonicalBytes(entry: unknown): Buffer {
  const text = canonicalize(entry);
  if (text === undefined) throw new Error('entry cannot be expressed as JSON');
  return Buffer.from(text, 'utf8');
}

/** RFC 6962 §2.1 / RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || entry bytes). */
export function leafHash(bytes: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(bytes)
    .digest();
}
