import type { CampaignInfo, LedgerEntry, Summary } from '../ledger-client.ts';
import { describeEntry, kindLabel, leafHashHex } from './entries.ts';
import { esc, layout, moduleScript } from './html.ts';

export const explorerPageSize = 50;

export interface ExplorerPageData {
  campaign: CampaignInfo | null;
  summary: Summary;
  from: number;
  entries: LedgerEntry[];
}

function pager(campaignId: string, from: number, total: number): string {
  const link = (start: number, text: string, rel: string) => `<a href="/campaigns/${esc(campaignId)}/ledger?from=${start}" rel="${rel}">${text}</a>`;
  const previous = from > 0 ? link(Math.max(0, from - explorerPageSize), '← Earlier entries', 'prev') : '';
  const next = from + explorerPageSize < total ? link(from + explorerPageSize, 'Later entries →', 'next') : '';
  return previous || next ? `<nav class="pager" aria-label="Pages of the ledger">${previous}${next}</nav>` : '';
}

/** A page of a campaign's public log; each row can be checked in the browser against the signed checkpoint. */
export function explorerPage({ campaign, summary, from, entries }: ExplorerPageData): string {
  const title = campaign?.title ?? 'Campaign';
  const id = summary.campaignId;
  const first = entries[0]?.index ?? from;
  const last = entries.at(-1)?.index ?? from;
  const rows = entries
    .map((row) => {
      const hash = leafHashHex(row.leaf);
      return `<tr data-index="${row.index}" data-leaf-hash="${hash}">
<td data-label="#">${row.index}</td>
<td data-label="Date"><time datetime="${esc(row.entry.time)}">${esc(row.entry.time.slice(0, 10))}</time></td>
<td data-label="Kind">${esc(kindLabel(row.entry.kind))}</td>
<td data-label="What happened">${describeEntry(row.entry, summary.currency)}</td>
<td data-label="Leaf hash"><code class="hash" title="${hash}">${hash.slice(0, 16)}…</code></td>
<td data-label="Check"><button type="button" class="verify" hidden aria-describedby="verdict-${row.index}">Verify<span class="visually-hidden"> entry ${row.index}</span></button> <span class="verdict" id="verdict-${row.index}" role="status"></span></td>
</tr>`;
    })
    .join('');
  const table = entries.length === 0
    ? '<p>There are no entries at this position.</p>'
    : `<div class="table-wrap"><table class="ledger" data-campaign-id="${esc(id)}"><caption>Entries ${first} to ${last} of ${summary.entries}, oldest first</caption>
<thead><tr><th scope="col">#</th><th scope="col">Date</th><th scope="col">Kind</th><th scope="col">What happened</th><th scope="col">Leaf hash</th><th scope="col">Check</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
  return layout(
    `Public ledger · ${title}`,
    `<h1>Public ledger</h1>
<p class="meta"><a href="/campaigns/${esc(id)}">${esc(title)}</a> · ${summary.entries.toLocaleString('en-US')} entries</p>
<p>Each entry is the exact bytes that were recorded. “Verify” checks in your browser, without trusting this site, that the entry is in the campaign's log as signed by the ledger's published key.</p>
<noscript><p>Verifying entries needs JavaScript; the entries and their hashes are readable without it.</p></noscript>
${pager(id, from, summary.entries)}
${table}
${pager(id, from, summary.entries)}`,
    moduleScript('ledger-explorer'),
  );
}
