import type { CampaignInfo, LedgerEntry, Summary } from '../ledger-client.ts';
import { describeEntry, kindLabel, leafHashHex } from './entries.ts';
import { html, jsonScript, layout, moduleScript, type SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';

export const explorerPageSize = 50;

export interface ExplorerPageData {
  campaign: CampaignInfo | null;
  summary: Summary;
  from: number;
  entries: LedgerEntry[];
}

function pager(page: PageContext, campaignId: string, from: number, total: number): SafeHtml | '' {
  const { t } = page;
  const previous =
    from > 0
      ? html`<a href="/campaigns/${campaignId}/ledger?from=${Math.max(0, from - explorerPageSize)}" rel="prev">${t('web.explorer.earlier')}</a>`
      : '';
  const next =
    from + explorerPageSize < total
      ? html`<a href="/campaigns/${campaignId}/ledger?from=${from + explorerPageSize}" rel="next">${t('web.explorer.later')}</a>`
      : '';
  return previous || next
    ? html`<nav class="pager" aria-label="${t('web.explorer.pages')}">${previous}${next}</nav>`
    : '';
}

/**
 * The verify script's words, in the page's language. Its numbers are only known in the browser, so they stay
 * `{size}` here and the script writes them with the page's `Intl.NumberFormat`.
 */
function explorerScriptMessages(page: PageContext) {
  const { t } = page;
  return {
    checking: t('web.explorer.script.checking'),
    verified: t('web.explorer.script.verified', { size: '{size}' }),
    failed: t('web.explorer.script.failed', { reason: '{reason}' }),
  };
}

/** A page of a campaign's public log; each row can be checked in the browser against the signed checkpoint. */
export function explorerPage(
  page: PageContext,
  { campaign, summary, from, entries }: ExplorerPageData,
): string {
  const { t, fmt } = page;
  const title = campaign?.title ?? t('web.campaign.untitled');
  const id = summary.campaignId;
  const first = entries[0]?.index ?? from;
  const last = entries.at(-1)?.index ?? from;
  const labels = {
    index: '#',
    date: t('web.explorer.date'),
    kind: t('web.explorer.kind'),
    what: t('web.explorer.what'),
    hash: t('web.explorer.leafHash'),
    check: t('web.explorer.check'),
  };
  const rows = entries.map((row) => {
    const hash = leafHashHex(row.leaf);
    return html`<tr data-index="${row.index}" data-leaf-hash="${hash}">
<td data-label="${labels.index}">${fmt.number(row.index)}</td>
<td data-label="${labels.date}"><time datetime="${row.entry.time}">${fmt.date(row.entry.time)}</time></td>
<td data-label="${labels.kind}">${kindLabel(page, row.entry.kind)}</td>
<td data-label="${labels.what}">${describeEntry(page, row.entry, summary.currency)}</td>
<td data-label="${labels.hash}"><code class="hash" title="${hash}" dir="ltr">${hash.slice(0, 16)}…</code></td>
<td data-label="${labels.check}"><button type="button" class="verify" hidden aria-label="${t('web.explorer.verifyEntry', { index: row.index })}" aria-describedby="verdict-${row.index}">${t('web.explorer.verify')}</button> <span class="verdict" id="verdict-${row.index}" role="status"></span></td>
</tr>`;
  });
  const table =
    entries.length === 0
      ? html`<p>${t('web.explorer.noEntries')}</p>`
      : html`<div class="table-wrap"><table class="ledger" data-campaign-id="${id}"><caption>${t('web.explorer.caption', { first, last, total: summary.entries })}</caption>
<thead><tr><th scope="col">${labels.index}</th><th scope="col">${labels.date}</th><th scope="col">${labels.kind}</th><th scope="col">${labels.what}</th><th scope="col">${labels.hash}</th><th scope="col">${labels.check}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
  return layout(
    page,
    t('web.explorer.title', { campaign: title }),
    html`<h1>${t('web.explorer.heading')}</h1>
<p class="meta"><a href="/campaigns/${id}">${title}</a> · ${t('web.explorer.entryCount', { count: summary.entries })}</p>
<p>${t('web.explorer.intro')}</p>
<noscript><p>${t('web.explorer.noscript')}</p></noscript>
${pager(page, id, from, summary.entries)}
${table}
${pager(page, id, from, summary.entries)}
${jsonScript('explorer-messages', explorerScriptMessages(page))}`,
    moduleScript('ledger-explorer'),
  );
}
