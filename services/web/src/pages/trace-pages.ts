import type { TraceView } from '../ledger-client.ts';
import { explorerPageSize } from './ledger-pages.ts';
import { esc, jsonScript, layout, moduleScript, moneyText } from './html.ts';

const form = (message = '') => `<form method="post" action="/trace" class="trace-form">
<label for="receiptCode">Receipt code</label>
<input id="receiptCode" name="receiptCode" autocomplete="off" required minlength="16" maxlength="128" spellcheck="false">
<button type="submit">Trace</button>
${message ? `<p role="alert" class="error">${esc(message)}</p>` : ''}
</form>
<p class="meta">The code is sent in the request body, never in the address, so it stays out of logs and browser history.</p>`;

export function traceFormPage(message = ''): string {
  return layout('Trace my gift', `<h1>Trace my gift</h1><p>Enter the receipt code you received when you gave.</p>${form(message)}`);
}

/** What the browser needs to check the trace without trusting this site: exact bytes, audit path, signed note. */
export function traceProofData(trace: TraceView) {
  const { proof } = trace;
  return {
    campaignId: proof.campaignId,
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    hashes: proof.hashes,
    checkpoint: proof.checkpoint,
    entries: trace.entries.map(({ index, leaf }) => ({ index, leaf })),
  };
}

export function tracePage(trace: TraceView): string {
  const { donation, proof } = trace;
  const currency = donation.currency;
  const allocations = trace.allocations
    .map((allocation) => {
      const disbursement = trace.disbursements.find((d) => d.disbursementId === allocation.disbursementId);
      const deliveries = trace.deliveries.filter((d) => d.disbursementId === allocation.disbursementId);
      const paid = trace.payouts.some((p) => p.disbursementId === allocation.disbursementId);
      return `<li><strong>${esc(moneyText(allocation.amount, currency))}</strong> went to ${esc(disbursement?.recipient.name ?? 'a disbursement')}${disbursement?.recipient.local ? ' (a local partner)' : ''} for ${esc(disbursement?.purpose ?? '')}: ${paid ? 'paid out' : 'approved, not yet paid'}.
${deliveries.length > 0 ? `<ul>${deliveries.map((d) => `<li>Delivered: ${esc(d.description)}, ${esc(d.beneficiaries)} people in ${esc(d.location.area)}, ${esc(d.location.country)}</li>`).join('')}</ul>` : ''}</li>`;
    })
    .join('');
  const explorer = `/campaigns/${esc(proof.campaignId)}/ledger?from=${Math.floor(proof.leafIndex / explorerPageSize) * explorerPageSize}`;
  // The gift's figures are also data attributes, so the page script can check that what is shown here is
  // exactly what the verified entry bytes say.
  return layout(
    'Your gift',
    `<h1>Your gift</h1>
<p id="gift" data-amount="${donation.amount}" data-fee="${donation.fee}" data-net="${donation.net}" data-currency="${esc(currency)}" data-time="${esc(donation.time)}">You gave <strong>${esc(moneyText(donation.amount, currency))}</strong> on <time datetime="${esc(donation.time)}">${esc(donation.time.slice(0, 10))}</time>; after ${esc(moneyText(donation.fee, currency))} in processing fees, ${esc(moneyText(donation.net, currency))} reached the campaign.</p>
<section aria-labelledby="proof-heading" class="proof">
<h2 id="proof-heading">Checked in your browser</h2>
<div id="verification" role="status" aria-live="polite" class="verification pending"><p><strong>Checking…</strong> Your browser is verifying the signed public record.</p></div>
<noscript><p>Checking the proof needs JavaScript. The numbers below let you check it yourself with any RFC 6962 verifier.</p></noscript>
<dl class="proof-facts">
<div><dt>Entry</dt><dd>#${proof.leafIndex} of ${proof.treeSize} in <a href="${explorer}">the campaign's public ledger</a></dd></div>
<div><dt>Leaf hash (SHA-256)</dt><dd><code class="hash">${esc(proof.leafHash)}</code></dd></div>
<div><dt>Signed by key</dt><dd id="key-name">…</dd></div>
<div><dt>Key hash</dt><dd><code id="key-hash">…</code> <span class="meta">compare it with the key published on <a href="/about-the-ledger">how the ledger works</a></span></dd></div>
<div><dt>Signed root hash</dt><dd><code class="hash" id="root-hash">…</code></dd></div>
</dl>
</section>
<h2>Where it went</h2>
${allocations ? `<ul class="trace">${allocations}</ul>` : '<p>Your gift has not been allocated to a disbursement yet. It will be, oldest gifts first.</p>'}
<h2>Trace another gift</h2>
${form()}
${jsonScript('trace-proof', traceProofData(trace))}`,
    moduleScript('trace-verify'),
  );
}
