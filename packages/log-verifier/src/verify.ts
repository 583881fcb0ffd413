// Verification of the public ledger, written to run unchanged in Node and in browsers: WebCrypto only, no
// imports, so the web page can load this very file (types stripped) and check proofs without trusting us.

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

export interface VerifierKey {
  name: string;
  keyHash: Uint8Array;
  publicKey: Uint8Array;
}

const encoder = new TextEncoder();

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

export function equalBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

/** RFC 6962 leaf hash: SHA-256(0x00 || entry bytes). */
export function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(new Uint8Array([0]), entry);
}

function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(new Uint8Array([1]), left, right);
}

const half = (value: number) => Math.floor(value / 2);
const odd = (value: number) => value % 2 === 1;

/** RFC 9162 §2.1.3.2: does `proof` show that `leaf` is at `leafIndex` in the tree of `treeSize` with `root`? */
export async function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (
    !Number.isSafeInteger(leafIndex) ||
    !Number.isSafeInteger(treeSize) ||
    leafIndex < 0 ||
    leafIndex >= treeSize
  )
    return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let hash = leaf;
  for (const sibling of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      hash = await nodeHash(sibling, hash);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      hash = await nodeHash(hash, sibling);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(hash, root);
}

/** RFC 9162 §2.1.4.2: is the tree of `size2` with `root2` an append-only extension of `size1` with `root1`? */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<boolean> {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < size1)
    return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(size1)) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  const [first, ...rest] = path;
  if (!first) return false;
  let fr = first;
  let sr = first;
  for (const node of rest) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(node, fr);
      sr = await nodeHash(node, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, node);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}

/** A signed-note verifier key, `<name>+<key hash hex>+<base64(0x01 || Ed25519 public key)>` (C2SP signed-note). */
export function parseVerifierKey(text: string): VerifierKey {
  // Base64 has '+' in its alphabet, so only the first two '+' separate fields: name and hash never contain one.
  const match = /^([^+\s]+)\+([^+]*)\+(\S+)$/.exec(text.trim());
  if (!match) throw new Error('a verifier key has the form name+hash+key');
  const [, name = '', hashHex = '', keyData = ''] = match;
  const data = fromBase64(keyData);
  if (!/^[0-9a-f]{8}$/.test(hashHex) || data.length !== 33 || data[0] !== 1)
    throw new Error('only Ed25519 verifier keys are supported');
  const keyHash = Uint8Array.from(hashHex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  return { name, keyHash, publicKey: data.slice(1) };
}

/** The 4-byte key id of an Ed25519 signed-note key: SHA-256(name || "\n" || 0x01 || public key)[:4]. */
export async function keyId(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(encoder.encode(`${name}\n`), new Uint8Array([1]), publicKey)).slice(0, 4);
}

/**
 * Checks a C2SP tlog-checkpoint signed note against a verifier key and returns what it commits to. Throws when
 * the note is malformed, not signed by that key, or the signature is wrong.
 */
export async function verifyCheckpoint(note: string, verifierKey: string): Promise<Checkpoint> {
  const key = parseVerifierKey(verifierKey);
  if (!equalBytes(await keyId(key.name, key.publicKey), key.keyHash))
    throw new Error('the verifier key hash does not match its name and key');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new Error('a signed note is text, a blank line, then signature lines');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter((line) => line.length > 0);
  const publicKey = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(key.publicKey),
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  let verified = false;
  for (const line of signatures) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match) throw new Error(`malformed signature line: ${line}`);
    const [, name, encoded = ''] = match;
    const signature = fromBase64(encoded);
    if (name !== key.name || !equalBytes(signature.slice(0, 4), key.keyHash)) continue;
    verified = await crypto.subtle.verify(
      { name: 'Ed25519' },
      publicKey,
      signature.slice(4),
      encoder.encode(text),
    );
    if (!verified) throw new Error('the checkpoint signature does not verify');
  }
  if (!verified) throw new Error(`the checkpoint is not signed by ${key.name}`);
  const [origin = '', size = '', root = '', ...extensions] = text.slice(0, -1).split('\n');
  if (!origin || !/^(0|[1-9]\d*)$/.test(size))
    throw new Error('the checkpoint body must be origin, tree size and root hash');
  const rootBytes = fromBase64(root);
  if (rootBytes.length !== 32) throw new Error('the checkpoint root hash must be 32 bytes');
  return { origin, size: Number(size), root: rootBytes, extensions };
}
