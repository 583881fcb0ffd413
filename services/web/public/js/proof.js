// Fetching and checking ledger proofs in the browser. The checks themselves are the project's verifier
// (packages/log-verifier), served as /static/js/verify.js; this module only fetches what they need.
import {
  fromBase64,
  leafHash,
  parseVerifierKey,
  verifyCheckpoint,
  verifyInclusion,
} from '/static/js/verify.js';

const api = '/api/ledger/v1';

/** @param {string} url */
async function fetchOk(url) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`the public ledger answered ${response.status} for ${url}`);
  return response;
}

/** @param {Uint8Array} bytes */
export function hex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** @param {Uint8Array} bytes */
export function base64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The ledger's verifier key and what it says about itself, for showing beside the result.
 * @returns {Promise<{ text: string, name: string, hash: string }>}
 */
export async function loadVerifierKey() {
  const text = (await (await fetchOk(`${api}/verifier-key`)).text()).trim();
  const key = parseVerifierKey(text);
  return { text, name: key.name, hash: hex(key.keyHash) };
}

/**
 * Checks a checkpoint note's signature; throws with the reason when it does not verify.
 * @param {string} note
 * @param {string} keyText
 */
export async function checkedCheckpoint(note, keyText) {
  try {
    return await verifyCheckpoint(note, keyText);
  } catch (error) {
    throw new Error(
      `the checkpoint's signature does not verify with the ledger's key (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}

/** @param {string} campaignId */
export async function fetchCheckpointNote(campaignId) {
  return (await fetchOk(`${api}/campaigns/${encodeURIComponent(campaignId)}/checkpoint`)).text();
}

/**
 * The exact bytes of one entry, as the ledger serves them.
 * @param {string} campaignId
 * @param {number} index
 */
export async function fetchLeaf(campaignId, index) {
  const body = await (
    await fetchOk(`${api}/campaigns/${encodeURIComponent(campaignId)}/entries?from=${index}&limit=1`)
  ).json();
  const row = body.entries?.[0];
  if (!row || row.index !== index || typeof row.leaf !== 'string')
    throw new Error(`the ledger did not return entry #${index}`);
  return fromBase64(row.leaf);
}

/**
 * @param {string} campaignId
 * @param {number} index
 * @param {number} treeSize
 * @returns {Promise<Uint8Array[]>}
 */
export async function fetchInclusionProof(campaignId, index, treeSize) {
  const body = await (
    await fetchOk(
      `${api}/campaigns/${encodeURIComponent(campaignId)}/proofs/inclusion?index=${index}&treeSize=${treeSize}`,
    )
  ).json();
  if (!Array.isArray(body.hashes)) throw new Error('the inclusion proof has no hashes');
  return body.hashes.map((/** @type {string} */ hash) => fromBase64(hash));
}

/**
 * Does this entry, hashed as RFC 6962 says, lead through the audit path to the checkpoint's signed root?
 * @param {{ size: number, root: Uint8Array }} checkpoint
 * @param {number} index
 * @param {Uint8Array} leafBytes
 * @param {Uint8Array[]} hashes
 */
export async function includedIn(checkpoint, index, leafBytes, hashes) {
  return verifyInclusion(index, checkpoint.size, await leafHash(leafBytes), hashes, checkpoint.root);
}

/**
 * The entry's JSON, read from its exact bytes (which must be UTF-8).
 * @param {Uint8Array} bytes
 * @returns {Record<string, unknown>}
 */
export function parseLeaf(bytes) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

export { fromBase64, leafHash };
