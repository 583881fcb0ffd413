// Verifies a traced gift in the donor's browser: the checkpoint's signature, the gift entry's inclusion under
// the signed root, that the figures shown are those in the signed bytes, and that the linked entries
// (allocations, payouts, deliveries) are in the same signed log.
import {
  base64,
  checkedCheckpoint,
  fetchInclusionProof,
  fromBase64,
  hex,
  includedIn,
  leafHash,
  loadVerifierKey,
  parseLeaf,
} from '/static/js/proof.js';

const status = /** @type {HTMLElement} */ (document.getElementById('verification'));

/** The page's words for the outcome, in its language; `{name}` marks a value only this script knows. */
const messages = JSON.parse(document.getElementById('trace-messages')?.textContent ?? '{}');

/**
 * @param {string} message
 * @param {Record<string, string>} values
 */
function fillIn(message, values) {
  return String(message ?? '').replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);
}

/**
 * @param {'passed' | 'failed'} outcome
 * @param {string} headline
 * @param {string} detail
 */
function show(outcome, headline, detail) {
  status.className = `verification ${outcome}`;
  const title = document.createElement('strong');
  title.textContent = `${outcome === 'passed' ? '✓' : '✗'} ${headline}`;
  const paragraph = document.createElement('p');
  paragraph.append(title, document.createElement('br'), detail);
  status.replaceChildren(paragraph);
}

/** @param {string} id @param {string} text */
function fill(id, text) {
  const element = document.getElementById(id);
  if (element) element.textContent = text;
}

/**
 * @param {Record<string, unknown>} entry
 * @param {DOMStringMap} shown
 */
function differences(entry, shown) {
  /** @type {[string, unknown, string | undefined][]} */
  const pairs = [
    ['amount', entry.amount, shown.amount],
    ['fee', entry.fee, shown.fee],
    ['net amount', entry.net, shown.net],
    ['currency', entry.currency, shown.currency],
    ['date', entry.time, shown.time],
  ];
  return pairs
    .filter(([, signed, displayed]) => String(signed) !== displayed)
    .map(
      ([name, signed, displayed]) =>
        `the ${name} shown is ${displayed}, the signed entry says ${String(signed)}`,
    );
}

async function verify() {
  const data = JSON.parse(document.getElementById('trace-proof')?.textContent ?? 'null');
  if (!data) throw new Error('this page carries no proof to check');
  const key = await loadVerifierKey();
  fill('key-name', key.name);
  fill('key-hash', key.hash);
  const checkpoint = await checkedCheckpoint(data.checkpoint, key.text);
  fill('root-hash', base64(checkpoint.root));
  if (checkpoint.size !== data.treeSize)
    throw new Error(
      `the proof is for a log of ${data.treeSize} entries, but the signed checkpoint covers ${checkpoint.size}`,
    );
  const gift = data.entries.find((/** @type {{ index: number }} */ row) => row.index === data.leafIndex);
  if (!gift) throw new Error('the gift entry itself is missing from the proof');
  const bytes = fromBase64(gift.leaf);
  const hashes = data.hashes.map((/** @type {string} */ hash) => fromBase64(hash));
  if (!(await includedIn(checkpoint, data.leafIndex, bytes, hashes))) {
    throw new Error(
      `your gift's entry (#${data.leafIndex}) does not lead to the signed root through its inclusion proof, so the entry or the proof was altered`,
    );
  }
  const shownHash = document.querySelector('.proof-facts .hash')?.textContent ?? '';
  if (shownHash !== hex(await leafHash(bytes)))
    throw new Error('the leaf hash shown on this page is not the hash of the signed entry');
  const entry = parseLeaf(bytes);
  const giftElement = /** @type {HTMLElement} */ (document.getElementById('gift'));
  const mismatches =
    entry.kind === 'gift' ? differences(entry, giftElement.dataset) : ['the signed entry is not a gift'];
  if (mismatches.length > 0)
    throw new Error(`the gift shown on this page is not the signed one: ${mismatches.join('; ')}`);
  const linked = data.entries.filter((/** @type {{ index: number }} */ row) => row.index !== data.leafIndex);
  for (const row of linked) {
    const proof = await fetchInclusionProof(data.campaignId, row.index, checkpoint.size);
    if (!(await includedIn(checkpoint, row.index, fromBase64(row.leaf), proof)))
      throw new Error(`linked entry #${row.index} is not in the signed log`);
  }
  return { checkpoint, key, linked: linked.length };
}

verify().then(
  ({ key }) => {
    show('passed', messages.passedHeadline, fillIn(messages.passedDetail, { key: key.name }));
  },
  (/** @type {unknown} */ error) => {
    // The reason is the verifier's own technical sentence, in English.
    const reason = error instanceof Error ? error.message : String(error);
    show(
      'failed',
      messages.failedHeadline,
      fillIn(messages.failedDetail, { reason: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}` }),
    );
  },
);
