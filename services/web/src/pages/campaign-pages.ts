import { msgKey, type MessageKey } from '@aid/i18n';
import type { CampaignDetails, OrganizationProfile, PublicVerification } from '../campaign-client.ts';
import type {
  Breakdowns,
  CampaignInfo,
  GeographyRow,
  LedgerEntry,
  Summary,
  Timeseries,
} from '../ledger-client.ts';
import { cumulativeChart } from './chart.ts';
import { describeEntry } from './entries.ts';
import { html, layout, type HtmlValue, type SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';

const moneyIn = (page: PageContext, currency: string | null) => (amount: number) =>
  currency ? page.fmt.money(amount, currency) : page.fmt.number(amount);

function figures(page: PageContext, summary: Summary): SafeHtml {
  const { t, fmt } = page;
  const money = moneyIn(page, summary.currency);
  const rows: [string, string][] = [
    [t('web.figures.raised'), money(summary.raised)],
    [t('web.figures.fees'), money(summary.fees)],
    [t('web.figures.refunded'), money(summary.refunded)],
    [t('web.figures.raisedAfterRefunds'), money(Math.max(0, summary.raised - summary.refunded))],
    [t('web.figures.net'), money(summary.net)],
    [t('web.figures.allocated'), money(summary.allocated)],
    [t('web.figures.paidOut'), money(summary.paidOut)],
    [t('web.figures.delivered'), money(summary.delivered)],
    [t('web.figures.people'), fmt.number(summary.beneficiaries)],
    [t('web.figures.localShare'), fmt.percent(summary.localShare)],
  ];
  return html`<dl class="figures">${rows.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>`;
}

function crisisLine(page: PageContext, campaign: CampaignInfo): string {
  return page.t('web.campaign.crisis', {
    kind: page.t(crisisKindKey(campaign.crisis.kind)),
    countries: page.fmt.list(campaign.crisis.countries.map(page.fmt.country)),
  });
}

// Crisis kinds are codes on the public record; pages name them in the reader's language.
const crisisKeys: Record<string, MessageKey> = {
  flood: msgKey('web.crisis.flood'),
  earthquake: msgKey('web.crisis.earthquake'),
  drought: msgKey('web.crisis.drought'),
  storm: msgKey('web.crisis.storm'),
  conflict: msgKey('web.crisis.conflict'),
  epidemic: msgKey('web.crisis.epidemic'),
  displacement: msgKey('web.crisis.displacement'),
  'food-insecurity': msgKey('web.crisis.foodInsecurity'),
  other: msgKey('web.crisis.other'),
};

export function crisisKindKey(kind: string): MessageKey {
  return crisisKeys[kind] ?? msgKey('web.crisis.other');
}

function card(
  page: PageContext,
  { campaign, summary }: { campaign: CampaignInfo; summary: Summary },
  heading: 'h2' | 'h3' = 'h2',
): SafeHtml {
  const { t, fmt } = page;
  const money = moneyIn(page, summary.currency);
  // Toward the goal counts what donors gave and kept given: refunded money is not raised (fees are shown apart).
  const raisedAfterRefunds = Math.max(0, summary.raised - summary.refunded);
  const progress = campaign.goal.amount > 0 ? Math.min(1, raisedAfterRefunds / campaign.goal.amount) : 0;
  const stats: [string, string][] = [
    [t('web.card.paidOut'), money(summary.paidOut)],
    [t('web.card.delivered'), money(summary.delivered)],
    [t('web.card.people'), fmt.number(summary.beneficiaries)],
    [t('web.card.localActors'), summary.paidOut > 0 ? fmt.percent(summary.localShare) : '–'],
  ];
  return html`<li class="card">
${heading === 'h2' ? html`<h2><a href="/campaigns/${campaign.campaignId}">${campaign.title}</a></h2>` : html`<h3><a href="/campaigns/${campaign.campaignId}">${campaign.title}</a></h3>`}
<p class="meta">${campaign.organizationName} · ${crisisLine(page, campaign)}${campaign.status === 'closed' ? ` · ${t('web.card.closed')}` : ''}</p>
<p>${campaign.summary}</p>
<p class="raised">${t('web.card.raisedAfterRefundsOf', { raised: money(raisedAfterRefunds), goal: fmt.money(campaign.goal.amount, campaign.goal.currency), percent: fmt.percent(progress) })}</p>
<progress max="1" value="${progress.toFixed(4)}" aria-label="${t('web.card.progressAfterRefundsLabel')}">${fmt.percent(progress)}</progress>
<dl class="stats">${stats.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>
</li>`;
}

export function campaignListPage(
  page: PageContext,
  rows: { campaign: CampaignInfo; summary: Summary }[],
): string {
  const { t } = page;
  const body =
    rows.length === 0
      ? html`<p>${t('web.campaigns.none')}</p>`
      : html`<ul class="cards">${rows.map((row) => card(page, row))}</ul>`;
  return layout(
    page,
    t('web.campaigns.title'),
    html`<h1>${t('web.campaigns.heading')}</h1><p class="lead">${t('web.campaigns.lead')}</p>${body}`,
  );
}

function localShare(page: PageContext, summary: Summary): SafeHtml {
  const { t, fmt } = page;
  if (summary.paidOut === 0) return html`<p>${t('web.local.nothingPaid')}</p>`;
  const money = moneyIn(page, summary.currency);
  const local = Math.round(summary.paidOut * summary.localShare);
  return html`<p class="big-figure">${fmt.percent(summary.localShare)}</p>
<meter min="0" max="1" value="${summary.localShare.toFixed(4)}" aria-labelledby="local">${fmt.percent(summary.localShare)}</meter>
<p>${t('web.local.explained', { paidOut: money(summary.paidOut), local: money(local) })}</p>`;
}

function moneyTable(caption: string, head: string[], rows: HtmlValue[][]): SafeHtml {
  // data-label lets narrow screens show each row as a card of labelled values instead of a wide table.
  return html`<div class="table-wrap"><table class="stack"><caption>${caption}</caption><thead><tr>${head.map((cell, index) => (index > 0 ? html`<th scope="col" class="num">${cell}</th>` : html`<th scope="col">${cell}</th>`))}</tr></thead><tbody>${rows.map(
    ([first, ...rest]) =>
      html`<tr><th scope="row">${first}</th>${rest.map((cell, index) => html`<td class="num" data-label="${head[index + 1]}">${cell}</td>`)}</tr>`,
  )}</tbody></table></div>`;
}

function breakdownSections(page: PageContext, breakdowns: Breakdowns): SafeHtml {
  const { t, fmt } = page;
  const money = moneyIn(page, breakdowns.currency);
  const sectors =
    breakdowns.bySector.length === 0
      ? html`<p>${t('web.breakdown.noDisbursements')}</p>`
      : moneyTable(
          t('web.breakdown.bySectorCaption'),
          [
            t('web.breakdown.sector'),
            t('web.breakdown.allocated'),
            t('web.breakdown.paidOut'),
            t('web.breakdown.delivered'),
          ],
          breakdowns.bySector.map((row) => [
            row.sector,
            money(row.allocated),
            money(row.paidOut),
            money(row.delivered),
          ]),
        );
  const recipients =
    breakdowns.byRecipient.length === 0
      ? html`<p>${t('web.breakdown.noDisbursements')}</p>`
      : moneyTable(
          t('web.breakdown.byRecipientCaption'),
          [
            t('web.breakdown.recipient'),
            t('web.breakdown.localActor'),
            t('web.breakdown.allocated'),
            t('web.breakdown.paidOut'),
            t('web.breakdown.delivered'),
            t('web.breakdown.people'),
          ],
          breakdowns.byRecipient.map((row) => [
            html`${row.name} <span class="meta">(${fmt.country(row.country)})</span>`,
            row.local ? t('web.breakdown.yes') : t('web.breakdown.no'),
            money(row.allocated),
            money(row.paidOut),
            money(row.delivered),
            fmt.number(row.beneficiaries),
          ]),
        );
  const geography = breakdowns.donorGeography;
  const geoTable = (caption: string, rows: GeographyRow[], other: number | null) =>
    rows.length === 0
      ? html`<p>${t('web.breakdown.noCountryYet', { table: caption })}</p>`
      : moneyTable(
          caption,
          [t('web.breakdown.country'), t('web.breakdown.donors')],
          [
            ...rows.map((row) => [fmt.country(row.country), fmt.number(row.donors)]),
            ...(other ? [[t('web.breakdown.otherCountries'), fmt.number(other)]] : []),
          ],
        );
  return html`<section aria-labelledby="sectors"><h2 id="sectors">${t('web.breakdown.bySector')}</h2>${sectors}</section>
<section aria-labelledby="recipients"><h2 id="recipients">${t('web.breakdown.byRecipient')}</h2>${recipients}</section>
<section aria-labelledby="donors"><h2 id="donors">${t('web.breakdown.donorsHeading')}</h2>
<p>${t('web.breakdown.consentNote', { minimum: geography.minimumGroup })}</p>
<div class="columns"><div><h3>${t('web.breakdown.residence')}</h3>${geoTable(t('web.breakdown.residenceCaption'), geography.byResidence, geography.otherResidence)}</div>
<div><h3>${t('web.breakdown.heritage')}</h3>${geoTable(t('web.breakdown.heritageCaption'), geography.byHeritage, geography.otherHeritage)}</div></div>
</section>`;
}

export interface CampaignPageData {
  campaign: CampaignInfo | null;
  summary: Summary;
  recent: LedgerEntry[];
  timeseries: Timeseries | null;
  breakdowns: Breakdowns | null;
  /** From the campaign service: the updates' text and who runs it; null when it did not answer. */
  details?: CampaignDetails | null;
  /** Whether this site takes gifts for the campaign now. */
  givingOpen?: boolean;
}

const organizationKindKeys: Record<string, MessageKey> = {
  'diaspora-association': msgKey('web.organization.kind.diasporaAssociation'),
  ngo: msgKey('web.organization.kind.ngo'),
  'local-partner': msgKey('web.organization.kind.localPartner'),
  foundation: msgKey('web.organization.kind.foundation'),
  government: msgKey('web.organization.kind.government'),
};

/** The giving box: progress toward the goal (what donors gave and kept given), the Give button and plain share links. */
function giveBox(page: PageContext, data: CampaignPageData, url: string): SafeHtml {
  const { t, fmt } = page;
  const { campaign, summary } = data;
  if (!campaign) return html``;
  const money = moneyIn(page, summary.currency);
  const raisedAfterRefunds = Math.max(0, summary.raised - summary.refunded);
  const progress = campaign.goal.amount > 0 ? Math.min(1, raisedAfterRefunds / campaign.goal.amount) : 0;
  const id = campaign.campaignId;
  const shareText = encodeURIComponent(campaign.title);
  const shareUrl = encodeURIComponent(url);
  return html`<section class="give-box" aria-labelledby="give-heading">
<h2 id="give-heading" class="visually-hidden">${t('web.campaign.giveHeading')}</h2>
<p class="raised">${t('web.card.raisedAfterRefundsOf', { raised: money(raisedAfterRefunds), goal: fmt.money(campaign.goal.amount, campaign.goal.currency), percent: fmt.percent(progress) })}</p>
<progress max="1" value="${progress.toFixed(4)}" aria-label="${t('web.card.progressAfterRefundsLabel')}">${fmt.percent(progress)}</progress>
<p class="meta">${t('web.campaign.giftsCount', { count: summary.gifts })}</p>
${
  data.givingOpen
    ? html`<p class="give-actions"><a class="button give" href="/campaigns/${id}/give">${t('web.campaign.give')}</a> <a class="button secondary" href="/campaigns/${id}/give?interval=month">${t('web.campaign.giveMonthly')}</a></p>`
    : campaign.status === 'closed'
      ? html`<p>${t('web.campaign.closedNoGifts')}</p>`
      : ''
}
<p class="share">${t('web.campaign.share')} <a href="mailto:?subject=${shareText}&amp;body=${shareUrl}">${t('web.campaign.shareEmail')}</a> · <a href="https://wa.me/?text=${shareText}%20${shareUrl}" rel="noopener noreferrer">WhatsApp</a> · <a href="https://www.facebook.com/sharer/sharer.php?u=${shareUrl}" rel="noopener noreferrer">Facebook</a> · <a href="https://x.com/intent/post?text=${shareText}&amp;url=${shareUrl}" rel="noopener noreferrer">X</a></p>
<p class="meta share-url">${t('web.campaign.shareLink')} <code dir="ltr">${url}</code></p>
</section>`;
}

/** Whether a platform administrator vetted the organization, and when; no verification shown is never taken as one. */
function verificationText(page: PageContext, verification: PublicVerification | undefined): SafeHtml {
  if (verification === undefined || verification === null)
    return html`<span class="unverified">${page.t('web.organization.notVerified')}</span>`;
  return html`<span class="verified">${page.t('web.organization.verifiedOn', { date: page.fmt.date(verification.verifiedAt) })}</span>`;
}

function organizationFacts(page: PageContext, organization: OrganizationProfile['organization']): SafeHtml {
  const { t, fmt } = page;
  const kind = organizationKindKeys[organization.kind];
  return html`<dl class="facts"><div><dt>${t('web.organization.country')}</dt><dd>${fmt.country(organization.country)}</dd></div>
<div><dt>${t('web.organization.kind')}</dt><dd>${kind ? t(kind) : organization.kind}</dd></div>
<div><dt>${t('web.organization.since')}</dt><dd>${fmt.date(organization.createdAt)}</dd></div>
<div><dt>${t('web.organization.verification')}</dt><dd>${verificationText(page, organization.verification)}</dd></div>
${organization.registrationNumber ? html`<div><dt>${t('web.organization.registrationNumber')}</dt><dd>${organization.registrationNumber}</dd></div>` : ''}
${organization.website ? html`<div><dt>${t('web.organization.website')}</dt><dd><a href="${organization.website}" rel="nofollow noopener noreferrer" dir="ltr">${organization.website.replace(/^https?:\/\//, '')}</a></dd></div>` : ''}</dl>`;
}

function organizationSection(page: PageContext, details: CampaignDetails): SafeHtml {
  const { t } = page;
  const organization = details.organization;
  if (!organization) return html``;
  return html`<section aria-labelledby="organization"><h2 id="organization">${t('web.organization.heading')}</h2>
<p><strong><a href="/organizations/${organization.id}">${organization.name}</a></strong></p>
${organizationFacts(page, organization)}
<p class="meta">${t('web.organization.vettingNote')} <a href="/organizations/${organization.id}">${t('web.organization.profileLink')}</a></p>
</section>`;
}

/** An organization's public page: who it is and its public campaigns, each with its figures from the ledger. */
export function organizationPage(
  page: PageContext,
  profile: OrganizationProfile,
  rows: { campaign: CampaignInfo; summary: Summary }[],
): string {
  const { t } = page;
  const { organization } = profile;
  return layout(
    page,
    organization.name,
    html`<h1>${organization.name}</h1>
${organizationFacts(page, organization)}
<p class="meta">${t('web.organization.vettingNote')}</p>
<h2>${t('web.organization.campaignsHeading')}</h2>
${rows.length === 0 ? html`<p>${t('web.campaigns.none')}</p>` : html`<ul class="cards">${rows.map((row) => card(page, row, 'h3'))}</ul>`}`,
  );
}

/** An update's photo with its SHA-256, so anyone can check the picture is the one on the public record. */
function updatePhotoFigure(
  page: PageContext,
  campaignId: string,
  updateId: string,
  sha256: string,
): SafeHtml {
  const { t } = page;
  return html`<figure class="update-photo-figure"><img class="update-photo" src="/campaigns/${campaignId}/updates/${updateId}/photo" alt="${t('web.campaign.updatePhotoAlt')}" loading="lazy">
<figcaption class="meta">${t('web.campaign.updatePhotoHash')} <code class="hash">${sha256}</code></figcaption></figure>`;
}

function updatesSection(page: PageContext, details: CampaignDetails): SafeHtml {
  const { t, fmt } = page;
  if (details.updates.length === 0)
    return html`<section aria-labelledby="updates"><h2 id="updates">${t('web.campaign.updatesHeading')}</h2><p>${t('web.campaign.noUpdates')}</p></section>`;
  return html`<section aria-labelledby="updates"><h2 id="updates">${t('web.campaign.updatesHeading')}</h2>
${details.updates.map((update) => html`<article class="update"><h3>${update.title}</h3><p class="meta"><time datetime="${update.postedAt}">${fmt.date(update.postedAt)}</time></p>${update.body.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}${update.photo ? updatePhotoFigure(page, details.id, update.id, update.photo.sha256) : ''}</article>`)}
</section>`;
}

/** The latest gifts as the public record has them: a name only where the donor chose to show it. */
function latestGifts(page: PageContext, recent: LedgerEntry[], currency: string | null): SafeHtml {
  const { t, fmt } = page;
  const gifts = recent.filter((row) => row.entry.kind === 'gift').slice(0, 5);
  if (gifts.length === 0) return html``;
  return html`<section aria-labelledby="latest-gifts"><h2 id="latest-gifts">${t('web.campaign.latestGifts')}</h2>
<ul class="recent">${gifts.map((row) => html`<li>${describeEntry(page, row.entry, currency)} <span class="meta">· <time datetime="${row.entry.time}">${fmt.date(row.entry.time)}</time></span></li>`)}</ul>
</section>`;
}

export function campaignPage(page: PageContext, data: CampaignPageData, url = ''): string {
  const { campaign, summary, timeseries, breakdowns, details } = data;
  const recent = data.recent.slice(0, 5);
  const { t, fmt } = page;
  const title = campaign?.title ?? t('web.campaign.untitled');
  const id = summary.campaignId;
  const rows = recent.map(
    (row) =>
      html`<li><span class="meta">#${fmt.number(row.index)} · <time datetime="${row.entry.time}">${fmt.date(row.entry.time)}</time></span> ${describeEntry(page, row.entry, summary.currency)}</li>`,
  );
  const about = campaign
    ? html`<p class="meta">${campaign.organizationName} · ${crisisLine(page, campaign)}${campaign.crisis.glide ? html` · GLIDE <span dir="ltr">${campaign.crisis.glide}</span>` : ''}</p><p>${campaign.summary}</p>`
    : '';
  return layout(
    page,
    title,
    html`<h1>${title}</h1>
${about}
${giveBox(page, data, url)}
${details ? updatesSection(page, details) : ''}
${latestGifts(page, data.recent, summary.currency)}
${details ? organizationSection(page, details) : ''}
<section aria-labelledby="money"><h2 id="money">${t('web.campaign.moneyHeading')}</h2>${figures(page, summary)}</section>
<section aria-labelledby="over-time"><h2 id="over-time">${t('web.campaign.overTime')}</h2>${timeseries ? cumulativeChart(page, timeseries) : html`<p>${t('web.campaign.noTimeseries')}</p>`}</section>
<section aria-labelledby="local"><h2 id="local">${t('web.campaign.localHeading')}</h2>${localShare(page, summary)}</section>
${breakdowns ? breakdownSections(page, breakdowns) : ''}
<section aria-labelledby="open-data"><h2 id="open-data">${t('web.campaign.openData')}</h2>
<p>${t('web.campaign.download')} <a href="/api/ledger/v1/campaigns/${id}/export.csv" download>CSV</a> · <a href="/api/ledger/v1/campaigns/${id}/export.json" download>JSON</a> · <a href="/api/ledger/v1/campaigns/${id}/export.iati.xml" download>IATI XML</a></p>
</section>
<section aria-labelledby="ledger"><h2 id="ledger">${t('web.campaign.ledgerHeading')}</h2>
<p>${t('web.campaign.entriesSigned', { count: summary.entries })} <a href="/campaigns/${id}/ledger">${t('web.campaign.explore')}</a></p>
${rows.length > 0 ? html`<h3>${t('web.campaign.latest')}</h3><ul class="recent">${rows}</ul>` : ''}
</section>`,
  );
}
