import type { CampaignInfo, LedgerEntry, Summary } from '../ledger-client.ts';
import { esc, field, layout, moneyText, percent } from './html.ts';

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

export function campaignListPage(rows: { campaign: CampaignInfo; summary: Summary }[]): string {
  const cards = rows.map(({ campaign, summary }) => {
    const progress = campaign.goal.amount > 0 ? Math.min(1, summary.raised / campaign.goal.amount) : 0;
    return `<li class="card">
<h2><a href="/campaigns/${esc(campaign.campaignId)}">${esc(campaign.title)}</a></h2>
<p class="meta">${esc(campaign.organizationName)} · ${esc(campaign.crisis.kind)} · ${esc(campaign.crisis.countries.join(', '))}${campaign.status === 'closed' ? ' · closed' : ''}</p>
<p>${esc(campaign.summary)}</p>
<p><strong>${esc(moneyText(summary.raised, summary.currency))}</strong> raised of ${esc(moneyText(campaign.goal.amount, campaign.goal.currency))}</p>
<progress max="1" value="${progress.toFixed(4)}" aria-label="Share of the goal raised">${percent(progress)}</progress>
<p class="meta">${esc(moneyText(summary.paidOut, summary.currency))} paid out · ${summary.beneficiaries.toLocaleString('en-US')} people reached</p>
</li>`;
  });
  const body = rows.length === 0 ? '<p>No campaigns are published yet.</p>' : `<ul class="cards">${cards.join('')}</ul>`;
  return layout('Campaigns', `<h1>Crisis campaigns</h1><p class="lead">Follow every gift from donor to delivered aid.</p>${body}`);
}

function describeEntry(entry: LedgerEntry['entry'], currency: string | null): string {
  const amount = typeof entry.amount === 'number' ? moneyText(entry.amount, currency) : '';
  switch (entry.kind) {
    case 'gift':
      return `Gift of ${amount}${(entry.donor as { displayName?: string | null } | undefined)?.displayName ? ` from ${esc((entry.donor as { displayName: string }).displayName)}` : ''}`;
    case 'refund':
      return `Refund of ${amount}`;
    case 'disbursement-approved':
      return `Disbursement of ${amount} approved to ${esc((entry.recipient as { name?: string } | undefined)?.name)} for ${field(entry.purpose)}`;
    case 'allocation':
      return `${amount} of a gift allocated to a disbursement`;
    case 'payout':
      return `Payout of ${amount} to ${esc((entry.recipient as { name?: string } | undefined)?.name)}`;
    case 'delivery':
      return `Delivered: ${field(entry.description)} (${field(entry.beneficiaries)} people, ${esc((entry.location as { area?: string } | undefined)?.area)})`;
    case 'campaign-published':
      return 'Campaign published';
    case 'campaign-closed':
      return 'Campaign closed';
    case 'campaign-update':
      return `Update: ${field(entry.title)}`;
    default:
      return esc(entry.kind);
  }
}

export function campaignPage(campaign: CampaignInfo | null, summary: Summary, entries: LedgerEntry[]): string {
  const title = campaign?.title ?? 'Campaign';
  const rows = entries
    .map((row) => `<tr><td>${row.index}</td><td><time datetime="${esc(row.entry.time)}">${esc(row.entry.time.slice(0, 10))}</time></td><td>${describeEntry(row.entry, summary.currency)}</td></tr>`)
    .join('');
  return layout(
    title,
    `<h1>${esc(title)}</h1>
${campaign ? `<p class="meta">${esc(campaign.organizationName)} · ${esc(campaign.crisis.kind)} in ${esc(campaign.crisis.countries.join(', '))}${campaign.crisis.glide ? ` · GLIDE ${esc(campaign.crisis.glide)}` : ''}</p><p>${esc(campaign.summary)}</p>` : ''}
<section aria-labelledby="money"><h2 id="money">Where the money is</h2>${figures(summary)}</section>
<section aria-labelledby="ledger"><h2 id="ledger">Public ledger</h2>
<p>${summary.entries} entries. Each is served as the exact bytes that were hashed: <a href="/api/ledger/v1/campaigns/${esc(summary.campaignId)}/entries">raw entries</a>.</p>
<div class="table-wrap"><table><caption class="visually-hidden">Ledger entries, oldest first</caption><thead><tr><th scope="col">#</th><th scope="col">Date</th><th scope="col">What happened</th></tr></thead><tbody>${rows}</tbody></table></div></section>`,
  );
}
