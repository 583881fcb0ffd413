import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';

/** An Ed25519 signer for C2SP signed notes (https://github.com/C2SP/C2SP/blob/main/signed-note.md). */
export interface NoteSigner {
  name: string;
  publicKey: Buffer;
  keyHash: Buffer;
  privateKey: KeyObject;
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): the fixed prefix followed by the 32-byte seed.
const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

export function noteSigner(name: string, seed: Buffer): NoteSigner {
  if (seed.length !== 32) throw new Error('an Ed25519 signing key is a 32-byte seed');
  if (!/^[^\s+]+$/.test(name)) throw new Error('a key name has no spaces or plus signs');
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyHash = createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([1]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
  return { name, publicKey, keyHash, privateKey };
}

/** The verifier key anyone can use to check our checkpoints: `<name>+<key hash hex>+<base64(0x01 || key)>`. */
export function verifierKey(signer: NoteSigner): string {
  return `${signer.name}+${signer.keyHash.toString('hex')}+${Buffer.concat([Buffer.from([1]), signer.publicKey]).toString('base64')}`;
}

export interface CheckpointBody {
  origin: string;
  size: number;
  root: Buffer;
  extensions?: string[];
}

/** A C2SP tlog-checkpoint: origin, tree size and base64 root hash, each on its own line, then the signature. */
export function signCheckpoint(body: CheckpointBody, signer: NoteSigner): string {
  const text = [body.origin, String(body.size), body.root.toString('base64'), ...(body.extensions ?? [])]
    .map((line) => `${line}\n`)
    .join('');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `${text}\n\u2014 ${signer.name} ${Buffer.concat([signer.keyHash, signature]).toString('base64')}\n`;
}
