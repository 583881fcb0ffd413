import type { Breakdowns, CampaignInfo, GeographyRow, LedgerEntry, Summary, Timeseries } from '../ledger-client.ts';
import { cumulativeChart } from './chart.ts';
import { describeEntry } from './entries.ts';
import { countryName, esc, layout, moneyText, percent } from './html.ts';

function figures(summary: Summary): string {
  const rows: [string, string][] = [
    ['Raised', moneyText(summary.raised, summary.currency)],
    ['Processing fees', moneyText(summary.fees, summary.currency)],
    ['Refunded', moneyText(summary.refunded, summary.currency)],
    ['Net available to the campaign', moneyText(summary.net, summary.currency)],
    ['Allocated to approved disbursements', moneyText(summary.allocated, summary.currency)],
    ['Paid out to partners', moneyText(summary.paidOut, summary.currency)],
    ['Delivered as aid', moneyText(summary.delivered, summary.currency)],
    ['People reached', summary.beneficiaries.toLocaleString('en-US')],
    ['Share paid to local actors', percent(summary.localShare)],
  ];
  return `<dl class="figures">${rows.map(([label, value]) => `<div><dt>${esc(label)}</dt><dd>${esc(value)}</dd></div>`).join('')}</dl>`;
}

function card({ campaign, summary }: { campaign: CampaignInfo; summary: Summary }): string {
  const progress = campaign.goal.amount > 0 ? Math.min(1, summary.raised / campaign.goal.amount) : 0;
  const stats: [string, string][] = [
    ['Paid out', moneyText(summary.paidOut, summary.currency)],
    ['Delivered', moneyText(summary.delivered, summary.currency)],
    ['People reached', summary.beneficiaries.toLocaleString('en-US')],
    ['To local actors', summary.paidOut > 0 ? percent(summary.localShare) : '–'],
  ];
  return `<li class="card">
<h2><a href="/campaigns/${esc(campaign.campaignId)}">${esc(campaign.title)}</a></h2>
<p class="meta">${esc(campaign.organizationName)} · ${esc(campaign.crisis.kind)} · ${esc(campaign.crisis.countries.map(countryName).join(', '))}${campaign.status === 'closed' ? ' · closed' : ''}</p>
<p>${esc(campaign.summary)}</p>
<p class="raised"><strong>${esc(moneyText(summary.raised, summary.currency))}</strong> raised of ${esc(moneyText(campaign.goal.amount, campaign.goal.currency))} (${percent(progress)})</p>
<progress max="1" value="${progress.toFixed(4)}" aria-label="Share of the goal raised">${percent(progress)}</progress>
<dl class="stats">${stats.map(([label, value]) => `<div><dt>${esc(label)}</dt><dd>${esc(value)}</dd></div>`).join('')}</dl>
</li>`;
}

export function campaignListPage(rows: { campaign: CampaignInfo; summary: Summary }[]): string {
  const body = rows.length === 0 ? '<p>No campaigns are published yet.</p>' : `<ul class="cards">${rows.map(card).join('')}</ul>`;
  return layout('Campaigns', `<h1>Crisis campaigns</h1><p class="lead">Follow every gift from donor to delivered aid, on a public record anyone can check.</p>${body}`);
}

function localShare(summary: Summary): string {
  if (summary.paidOut === 0) return '<p>Nothing has been paid out yet, so there is no share to local actors to report.</p>';
  const local = Math.round(summary.paidOut * summary.localShare);
  return `<p class="big-figure">${esc(percent(summary.localShare))}</p>
<meter min="0" max="1" value="${summary.localShare.toFixed(4)}" aria-labelledby="local">${esc(percent(summary.localShare))}</meter>
<p>Of ${esc(moneyText(summary.paidOut, summary.currency))} paid out, ${esc(moneyText(local, summary.currency))} went directly to local and national organizations in the affected country.</p>`;
}

function moneyTable(caption: string, head: string[], rows: string[][]): string {
  // data-label lets narrow screens show each row as a card of labelled values instead of a wide table.
  return `<div class="table-wrap"><table class="stack"><caption>${esc(caption)}</caption><thead><tr>${head.map((cell, index) => `<th scope="col"${index > 0 ? ' class="num"' : ''}>${esc(cell)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(([first = '', ...rest]) => `<tr><th scope="row">${first}</th>${rest.map((cell, index) => `<td class="num" data-label="${esc(head[index + 1])}">${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

function breakdownSections(breakdowns: Breakdowns): string {
  const { currency } = breakdowns;
  const money = (amount: number) => esc(moneyText(amount, currency));
  const sectors = breakdowns.bySector.length === 0
    ? '<p>No disbursements yet.</p>'
    : moneyTable('Money by sector', ['Sector', 'Allocated', 'Paid out', 'Delivered'], breakdowns.bySector.map((row) => [esc(row.sector), money(row.allocated), money(row.paidOut), money(row.delivered)]));
  const recipients = breakdowns.byRecipient.length === 0
    ? '<p>No disbursements yet.</p>'
    : moneyTable(
        'Money by recipient',
        ['Recipient', 'Local actor', 'Allocated', 'Paid out', 'Delivered', 'People reached'],
        breakdowns.byRecipient.map((row) => [
          `${esc(row.name)} <span class="meta">(${esc(countryName(row.country))})</span>`,
          row.local ? 'Yes' : 'No',
          money(row.allocated),
          money(row.paidOut),
          money(row.delivered),
          esc(row.beneficiaries.toLocaleString('en-US')),
        ]),
      );
  const geography = breakdowns.donorGeography;
  const geoTable = (caption: string, rows: GeographyRow[], other: number | null) =>
    rows.length === 0
      ? `<p>${esc(caption)}: no country has enough donors to show yet.</p>`
      : moneyTable(caption, ['Country', 'Donors'], [
          ...rows.map((row) => [esc(countryName(row.country)), esc(row.donors.toLocaleString('en-US'))]),
          ...(other ? [['Other countries', esc(other.toLocaleString('en-US'))]] : []),
        ]);
  return `<section aria-labelledby="sectors"><h2 id="sectors">By sector</h2>${sectors}</section>
<section aria-labelledby="recipients"><h2 id="recipients">By recipient</h2>${recipients}</section>
<section aria-labelledby="donors"><h2 id="donors">Where donors give from</h2>
<p>Only donors who agreed to be counted, each once. Countries with fewer than ${esc(geography.minimumGroup)} such donors are not shown, so that no donor can be singled out.</p>
<div class="columns"><div><h3>Country of residence</h3>${geoTable('Donors by country of residence', geography.byResidence, geography.otherResidence)}</div>
<div><h3>Country of heritage</h3>${geoTable('Donors by country of heritage', geography.byHeritage, geography.otherHeritage)}</div></div>
</section>`;
}

export interface CampaignPageData {
  campaign: CampaignInfo | null;
  summary: Summary;
  recent: LedgerEntry[];
  timeseries: Timeseries | null;
  breakdowns: Breakdowns | null;
}

export function campaignPage({ campaign, summary, recent, timeseries, breakdowns }: CampaignPageData): string {
  const title = campaign?.title ?? 'Campaign';
  const id = esc(summary.campaignId);
  const rows = recent
    .map((row) => `<li><span class="meta">#${row.index} · <time datetime="${esc(row.entry.time)}">${esc(row.entry.time.slice(0, 10))}</time></span> ${describeEntry(row.entry, summary.currency)}</li>`)
    .join('');
  return layout(
    title,
    `<h1>${esc(title)}</h1>
${campaign ? `<p class="meta">${esc(campaign.organizationName)} · ${esc(campaign.crisis.kind)} in ${esc(campaign.crisis.countries.map(countryName).join(', '))}${campaign.crisis.glide ? ` · GLIDE ${esc(campaign.crisis.glide)}` : ''}</p><p>${esc(campaign.summary)}</p>` : ''}
<section aria-labelledby="money"><h2 id="money">Where the money is</h2>${figures(summary)}</section>
<section aria-labelledby="over-time"><h2 id="over-time">Over time</h2>${timeseries ? cumulativeChart(timeseries) : '<p>No time series yet: the chart appears once the public ledger publishes one.</p>'}</section>
<section aria-labelledby="local"><h2 id="local">Share to local actors</h2>${localShare(summary)}</section>
${breakdowns ? breakdownSections(breakdowns) : ''}
<section aria-labelledby="open-data"><h2 id="open-data">Open data</h2>
<p>Download every entry of this campaign: <a href="/api/ledger/v1/campaigns/${id}/export.csv" download>CSV</a> · <a href="/api/ledger/v1/campaigns/${id}/export.json" download>JSON</a> · <a href="/api/ledger/v1/campaigns/${id}/export.iati.xml" download>IATI XML</a></p>
</section>
<section aria-labelledby="ledger"><h2 id="ledger">Public ledger</h2>
<p>${summary.entries.toLocaleString('en-US')} entries, each signed into the campaign's public log. <a href="/campaigns/${id}/ledger">Explore and verify every entry</a>.</p>
${rows ? `<h3>Latest entries</h3><ul class="recent">${rows}</ul>` : ''}
</section>`,
  );
}
