// The explorer's "Verify" buttons: each checks its entry in the browser against the campaign's signed checkpoint.
import {
  checkedCheckpoint,
  fetchCheckpointNote,
  fetchInclusionProof,
  fetchLeaf,
  hex,
  includedIn,
  leafHash,
  loadVerifierKey,
} from '/static/js/proof.js';

const table = /** @type {HTMLTableElement | null} */ (document.querySelector('table.ledger'));
const campaignId = table?.dataset.campaignId ?? '';

/** The page's words for the verdicts, in its language; `{name}` marks a value written here. */
const messages = JSON.parse(document.getElementById('explorer-messages')?.textContent ?? '{}');
const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);

/**
 * @param {string} message
 * @param {Record<string, string>} values
 */
function fill(message, values) {
  return String(message ?? '').replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole);
}

/** @type {Promise<{ size: number, root: Uint8Array }> | null} */
let signedHead = null;

/** One signed checkpoint for the whole page; fetched again only if fetching it failed. */
function checkpoint() {
  signedHead ??= (async () => {
    const key = await loadVerifierKey();
    return checkedCheckpoint(await fetchCheckpointNote(campaignId), key.text);
  })().catch((/** @type {unknown} */ error) => {
    signedHead = null;
    throw error;
  });
  return signedHead;
}

/** @param {HTMLTableRowElement} row */
async function verifyRow(row) {
  const index = Number(row.dataset.index);
  const head = await checkpoint();
  if (index >= head.size) throw new Error('not yet covered by the signed checkpoint; reload in a moment');
  const bytes = await fetchLeaf(campaignId, index);
  if (hex(await leafHash(bytes)) !== row.dataset.leafHash)
    throw new Error("the entry's bytes do not match the hash shown");
  if (!(await includedIn(head, index, bytes, await fetchInclusionProof(campaignId, index, head.size))))
    throw new Error('the entry does not lead to the signed root');
  return head.size;
}

/**
 * @param {HTMLElement} verdict
 * @param {boolean} passed
 * @param {string} text
 */
function say(verdict, passed, text) {
  verdict.className = `verdict ${passed ? 'passed' : 'failed'}`;
  verdict.textContent = `${passed ? '✓' : '✗'} ${text}`;
}

for (const button of table?.querySelectorAll('button.verify') ?? []) button.hidden = false;

table?.addEventListener('click', (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest('button.verify');
  const row = button?.closest('tr');
  const verdict = /** @type {HTMLElement | null | undefined} */ (row?.querySelector('.verdict'));
  if (!button || !row || !verdict) return;
  verdict.className = 'verdict';
  verdict.textContent = messages.checking;
  verifyRow(row).then(
    (size) => say(verdict, true, fill(messages.verified, { size: numbers.format(size) })),
    // The reason is the verifier's own technical sentence, in English.
    (/** @type {unknown} */ error) =>
      say(
        verdict,
        false,
        fill(messages.failed, { reason: error instanceof Error ? error.message : String(error) }),
      ),
  );
});
