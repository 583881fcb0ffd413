import type { TraceView } from '../ledger-client.ts';
import { esc, layout, moneyText } from './html.ts';

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

export function tracePage(trace: TraceView): string {
  const { donation } = trace;
  const currency = donation.currency;
  const allocations = trace.allocations
    .map((allocation) => {
      const disbursement = trace.disbursements.find((d) => d.disbursementId === allocation.disbursementId);
      const deliveries = trace.deliveries.filter((d) => d.disbursementId === allocation.disbursementId);
      const paid = trace.payouts.some((p) => p.disbursementId === allocation.disbursementId);
      return `<li><strong>${esc(moneyText(allocation.amount, currency))}</strong> went to ${esc(disbursement?.recipient.name ?? 'a disbursement')}${disbursement?.recipient.local ? ' (a local partner)' : ''} for ${esc(disbursement?.purpose ?? '')} — ${paid ? 'paid out' : 'approved, not yet paid'}.
${deliveries.length > 0 ? `<ul>${deliveries.map((d) => `<li>Delivered: ${esc(d.description)}, ${esc(d.beneficiaries)} people in ${esc(d.location.area)}, ${esc(d.location.country)}</li>`).join('')}</ul>` : ''}</li>`;
    })
    .join('');
  const { proof } = trace;
  return layout(
    'Your gift',
    `<h1>Your gift</h1>
<p>You gave <strong>${esc(moneyText(donation.amount, currency))}</strong> on <time datetime="${esc(donation.time)}">${esc(donation.time.slice(0, 10))}</time>; after ${esc(moneyText(donation.fee, currency))} in processing fees, ${esc(moneyText(donation.net, currency))} reached the campaign.</p>
<h2>Where it went</h2>
${allocations ? `<ul class="trace">${allocations}</ul>` : '<p>Your gift has not been allocated to a disbursement yet. It will be, oldest gifts first.</p>'}
<h2>On the public record</h2>
<p>Your gift is entry ${proof.leafIndex} of ${proof.treeSize} in <a href="/campaigns/${esc(proof.campaignId)}">the campaign's ledger</a>, with leaf hash <code class="hash">${esc(proof.leafHash)}</code>.</p>
${form()}`,
  );
}
