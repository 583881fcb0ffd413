import type { TraceView } from '../ledger-client.ts';
import { explorerPageSize } from './ledger-pages.ts';
import { html, jsonScript, layout, moduleScript, type SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';

function form(page: PageContext, message = ''): SafeHtml {
  const { t } = page;
  return html`<form method="post" action="/trace" class="trace-form">
<label for="receiptCode">${t('web.trace.codeLabel')}</label>
<input id="receiptCode" name="receiptCode" autocomplete="off" required minlength="16" maxlength="128" spellcheck="false" dir="ltr">
<button type="submit">${t('web.trace.submit')}</button>
${message ? html`<p role="alert" class="error">${message}</p>` : ''}
</form>
<p class="meta">${t('web.trace.privacy')}</p>`;
}

/** The trace form; `problem` says why the last code was not traced. */
/** Why the form is shown again: a code that is not one, one not on the record, or too many lookups (retry after so many seconds). */
export type TraceProblem = 'malformed' | 'unknown' | { retryAfterSeconds: number } | null;

function problemMessage(page: PageContext, problem: TraceProblem): string {
  if (problem === null) return '';
  if (problem === 'malformed') return page.t('web.trace.malformed');
  if (problem === 'unknown') return page.t('web.trace.unknown');
  return page.t('web.trace.rateLimited', { minutes: Math.max(1, Math.ceil(problem.retryAfterSeconds / 60)) });
}

export function traceFormPage(page: PageContext, problem: TraceProblem = null): string {
  const { t } = page;
  const message = problemMessage(page, problem);
  return layout(page, t('web.trace.title'), html`<h1>${t('web.trace.heading')}</h1><p>${t('web.trace.intro')}</p>${form(page, message)}`);
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

/**
 * The verify script's words in the page's language. Its outcome is known only in the browser, but every number
 * in it is known here (a passing check is for exactly this proof's tree size); the key's name stays `{key}`.
 */
function traceScriptMessages(page: PageContext, trace: TraceView) {
  const { t } = page;
  const linked = trace.entries.filter((entry) => entry.index !== trace.proof.leafIndex).length;
  return {
    passedHeadline: t('web.trace.script.passedHeadline', { entry: trace.proof.leafIndex, size: trace.proof.treeSize }),
    passedDetail: linked > 0 ? t('web.trace.script.passedDetailLinked', { key: '{key}', linked }) : t('web.trace.script.passedDetail', { key: '{key}' }),
    failedHeadline: t('web.trace.script.failedHeadline'),
    failedDetail: t('web.trace.script.failedDetail', { reason: '{reason}' }),
  };
}

export function tracePage(page: PageContext, trace: TraceView): string {
  const { t, fmt } = page;
  const { donation, proof } = trace;
  const currency = donation.currency;
  const money = (amount: number) => fmt.money(amount, currency);
  const allocations = trace.allocations.map((allocation) => {
    const disbursement = trace.disbursements.find((d) => d.disbursementId === allocation.disbursementId);
    const deliveries = trace.deliveries.filter((d) => d.disbursementId === allocation.disbursementId);
    const paid = trace.payouts.some((p) => p.disbursementId === allocation.disbursementId);
    const values = { amount: money(allocation.amount), recipient: disbursement?.recipient.name ?? t('web.trace.aDisbursement'), purpose: disbursement?.purpose ?? '' };
    const sentence = disbursement?.recipient.local
      ? paid ? t('web.trace.allocationLocalPaid', values) : t('web.trace.allocationLocalApproved', values)
      : paid ? t('web.trace.allocationPaid', values) : t('web.trace.allocationApproved', values);
    return html`<li>${sentence}
${deliveries.length > 0 ? html`<ul>${deliveries.map((d) => html`<li>${t('web.trace.delivered', { description: d.description, people: d.beneficiaries, area: d.location.area, country: fmt.country(d.location.country) })}</li>`)}</ul>` : ''}</li>`;
  });
  const explorer = `/campaigns/${proof.campaignId}/ledger?from=${Math.floor(proof.leafIndex / explorerPageSize) * explorerPageSize}`;
  // The gift's figures are also data attributes, so the page script can check that what is shown here is
  // exactly what the verified entry bytes say.
  return layout(
    page,
    t('web.trace.giftTitle'),
    html`<h1>${t('web.trace.giftTitle')}</h1>
<p id="gift" data-amount="${donation.amount}" data-fee="${donation.fee}" data-net="${donation.net}" data-currency="${currency}" data-time="${donation.time}">${t('web.trace.gave', { amount: money(donation.amount), date: fmt.date(donation.time), fee: money(donation.fee), net: money(donation.net) })}</p>
<section aria-labelledby="proof-heading" class="proof">
<h2 id="proof-heading">${t('web.trace.checkedHeading')}</h2>
<div id="verification" role="status" aria-live="polite" class="verification pending"><p><strong>${t('web.trace.checking')}</strong> ${t('web.trace.checkingDetail')}</p></div>
<noscript><p>${t('web.trace.noscript')}</p></noscript>
<dl class="proof-facts">
<div><dt>${t('web.trace.entry')}</dt><dd>${t('web.trace.entryOf', { entry: proof.leafIndex, size: proof.treeSize })} · <a href="${explorer}">${t('web.trace.explorerLink')}</a></dd></div>
<div><dt>${t('web.trace.leafHash')}</dt><dd><code class="hash" dir="ltr">${proof.leafHash}</code></dd></div>
<div><dt>${t('web.trace.signedBy')}</dt><dd id="key-name" dir="ltr">…</dd></div>
<div><dt>${t('web.trace.keyHash')}</dt><dd><code id="key-hash" dir="ltr">…</code> <span class="meta">${t('web.trace.compareKey')} <a href="/about-the-ledger">${t('web.trace.compareKeyLink')}</a></span></dd></div>
<div><dt>${t('web.trace.rootHash')}</dt><dd><code class="hash" id="root-hash" dir="ltr">…</code></dd></div>
</dl>
</section>
<h2>${t('web.trace.whereHeading')}</h2>
${allocations.length > 0 ? html`<ul class="trace">${allocations}</ul>` : html`<p>${t('web.trace.notAllocated')}</p>`}
<h2>${t('web.trace.another')}</h2>
${form(page)}
${jsonScript('trace-proof', traceProofData(trace))}
${jsonScript('trace-messages', traceScriptMessages(page, trace))}`,
    moduleScript('trace-verify'),
  );
}
