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
  return layout(
    page,
    t('web.trace.title'),
    html`<h1>${t('web.trace.heading')}</h1><p>${t('web.trace.intro')}</p>${form(page, message)}`,
  );
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
    passedHeadline: t('web.trace.script.passedHeadline', {
      entry: trace.proof.leafIndex,
      size: trace.proof.treeSize,
    }),
    passedDetail:
      linked > 0
        ? t('web.trace.script.passedDetailLinked', { key: '{key}', linked })
        : t('web.trace.script.passedDetail', { key: '{key}' }),
    failedHeadline: t('web.trace.script.failedHeadline'),
    failedDetail: t('web.trace.script.failedDetail', { reason: '{reason}' }),
  };
}

type EntryFields = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown) => (typeof value === 'number' ? value : 0);

/** One stage of the gift's story, with what happened (or that it has not happened yet). */
function stage(
  page: PageContext,
  state: 'done' | 'todo',
  title: string,
  content: SafeHtml | string,
): SafeHtml {
  return html`<li class="story-step ${state}"><h2>${title}${state === 'todo' ? html` <span class="meta">(${page.t('web.story.notYet')})</span>` : ''}</h2>${content}</li>`;
}

const time = (page: PageContext, value: string) =>
  value ? html`<time datetime="${value}">${page.fmt.date(value)}</time>` : '';

/**
 * The gift as a story, in plain words first — given, allocated, paid out, delivered, with dates, partners,
 * people reached and the fingerprints of the evidence — read from the very entries the browser verifies.
 * The hashes and signatures for checking come after, behind a "details" toggle.
 */
export function tracePage(page: PageContext, trace: TraceView): string {
  const { t, fmt } = page;
  const { donation, proof } = trace;
  const currency = donation.currency;
  const money = (amount: number) => fmt.money(amount, currency);
  const entries = trace.entries.map((row) => row.entry as EntryFields);
  const ofKind = (kind: string) => entries.filter((entry) => entry.kind === kind);
  const gift = ofKind('gift')[0];
  const disbursementOf = (id: string) => trace.disbursements.find((d) => d.disbursementId === id);
  const recipientOf = (id: string) => {
    const disbursement = disbursementOf(id);
    if (!disbursement) return t('web.trace.aDisbursement');
    return disbursement.recipient.local
      ? t('web.story.localPartner', { name: disbursement.recipient.name })
      : disbursement.recipient.name;
  };
  const allocations = ofKind('allocation');
  const payouts = ofKind('payout').filter((entry) =>
    trace.allocations.some((a) => a.disbursementId === str(entry.disbursementId)),
  );
  const deliveries = ofKind('delivery');
  const presented = gift?.presented as { amount?: unknown; currency?: unknown } | undefined;
  // A converted gift: the donor paid in their own currency, the record counts what Stripe settled.
  const paid =
    presented &&
    typeof presented.amount === 'number' &&
    typeof presented.currency === 'string' &&
    presented.currency !== currency
      ? fmt.money(presented.amount, presented.currency)
      : null;
  const figures = {
    amount: money(donation.amount),
    date: fmt.date(donation.time),
    fee: money(donation.fee),
    net: money(donation.net),
  };
  const given = stage(
    page,
    'done',
    t('web.story.given'),
    html`<p>${paid ? t('web.story.givenConverted', { ...figures, paid }) : t('web.trace.gave', figures)}</p>`,
  );
  const allocated =
    allocations.length === 0
      ? stage(page, 'todo', t('web.story.allocated'), html`<p>${t('web.trace.notAllocated')}</p>`)
      : stage(
          page,
          'done',
          t('web.story.allocated'),
          html`<ul>${allocations.map((entry) => {
            const id = str(entry.disbursementId);
            return html`<li>${time(page, str(entry.time))} · ${t('web.story.allocatedTo', { amount: money(num(entry.amount)), recipient: recipientOf(id), purpose: disbursementOf(id)?.purpose ?? '' })}</li>`;
          })}</ul>`,
        );
  const paidOut =
    payouts.length === 0
      ? stage(page, 'todo', t('web.story.paidOut'), html`<p>${t('web.story.notPaidYet')}</p>`)
      : stage(
          page,
          'done',
          t('web.story.paidOut'),
          html`<ul>${payouts.map((entry) => html`<li>${time(page, str(entry.time))} · ${t('web.story.paidTo', { recipient: recipientOf(str(entry.disbursementId)), amount: fmt.money(num(entry.amount), str(entry.currency) || currency) })}</li>`)}</ul>`,
        );
  const delivered =
    deliveries.length === 0
      ? stage(page, 'todo', t('web.story.delivered'), html`<p>${t('web.story.notDeliveredYet')}</p>`)
      : stage(
          page,
          'done',
          t('web.story.delivered'),
          html`<ul>${deliveries.map((entry) => {
            const location = (entry.location ?? {}) as { area?: unknown; country?: unknown };
            const evidence = Array.isArray(entry.evidence)
              ? (entry.evidence as { name?: unknown; sha256?: unknown }[])
              : [];
            return html`<li>${time(page, str(entry.deliveredAt) || str(entry.time))} · ${t('web.trace.delivered', { description: str(entry.description), people: num(entry.beneficiaries), area: str(location.area), country: fmt.country(str(location.country)) })}
${evidence.length > 0 ? html`<details class="evidence"><summary>${t('web.story.evidence', { count: evidence.length })}</summary><ul>${evidence.map((item) => html`<li>${str(item.name)}: <code class="hash" dir="ltr">${str(item.sha256)}</code></li>`)}</ul><p class="meta">${t('web.story.evidenceExplained')}</p></details>` : ''}</li>`;
          })}</ul>`,
        );
  const explorer = `/campaigns/${proof.campaignId}/ledger?from=${Math.floor(proof.leafIndex / explorerPageSize) * explorerPageSize}`;
  // The gift's figures are also data attributes, so the page script can check that what is shown here is
  // exactly what the verified entry bytes say.
  return layout(
    page,
    t('web.trace.giftTitle'),
    html`<h1>${t('web.story.heading')}</h1>
<p id="gift" class="lead" data-amount="${donation.amount}" data-fee="${donation.fee}" data-net="${donation.net}" data-currency="${currency}" data-time="${donation.time}">${t('web.story.lead', { amount: paid ?? money(donation.amount), date: fmt.date(donation.time) })}</p>
<div id="verification" role="status" aria-live="polite" class="verification pending"><p><strong>${t('web.trace.checking')}</strong> ${t('web.trace.checkingDetail')}</p></div>
<noscript><p>${t('web.trace.noscript')}</p></noscript>
<ol class="story">${given}${allocated}${paidOut}${delivered}</ol>
<details class="proof"><summary>${t('web.story.detailsToggle')}</summary>
<dl class="proof-facts">
<div><dt>${t('web.trace.entry')}</dt><dd>${t('web.trace.entryOf', { entry: proof.leafIndex, size: proof.treeSize })} · <a href="${explorer}">${t('web.trace.explorerLink')}</a></dd></div>
<div><dt>${t('web.trace.leafHash')}</dt><dd><code class="hash" dir="ltr">${proof.leafHash}</code></dd></div>
<div><dt>${t('web.trace.signedBy')}</dt><dd id="key-name" dir="ltr">…</dd></div>
<div><dt>${t('web.trace.keyHash')}</dt><dd><code id="key-hash" dir="ltr">…</code> <span class="meta">${t('web.trace.compareKey')} <a href="/about-the-ledger">${t('web.trace.compareKeyLink')}</a></span></dd></div>
<div><dt>${t('web.trace.rootHash')}</dt><dd><code class="hash" id="root-hash" dir="ltr">…</code></dd></div>
</dl>
</details>
<h2>${t('web.trace.another')}</h2>
${form(page)}
${jsonScript('trace-proof', traceProofData(trace))}
${jsonScript('trace-messages', traceScriptMessages(page, trace))}`,
    moduleScript('trace-verify'),
  );
}
