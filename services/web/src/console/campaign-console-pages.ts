import { crisisKinds } from '@aid/contracts';
import { msgKey } from '@aid/i18n';
import { donorCurrencies, toDecimalString } from '@aid/money';
import { crisisKindKey } from '../pages/campaign-pages.ts';
import { html, type SafeHtml } from '../pages/html.ts';
import type { PageContext } from '../pages/page-context.ts';
import {
  csrfInput,
  fieldAria,
  fieldError,
  notice,
  statusBadge,
  type ConsoleCampaign,
  type ConsoleUpdate,
} from './console-kit.ts';
import { consoleLayout } from './console-layout.ts';
import type { ConsoleSession } from './console-session.ts';

export type CampaignField = 'title' | 'summary' | 'amount' | 'currency' | 'kind' | 'countries' | 'glide';
export type CampaignValues = Record<CampaignField, string>;

export interface CampaignFormState {
  values: CampaignValues;
  errors: Partial<Record<CampaignField, string>>;
  /** A refusal the service gave that names no field of this form. */
  problem?: string | undefined;
}

/** The form's values for a campaign as the service holds it (amounts in major units, as people type them). */
export function valuesOf(campaign: ConsoleCampaign): CampaignValues {
  return {
    title: campaign.title,
    summary: campaign.summary,
    amount: toDecimalString(campaign.goal),
    currency: campaign.goal.currency,
    kind: campaign.crisis.kind,
    countries: campaign.crisis.countries.join(', '),
    glide: campaign.crisis.glide ?? '',
  };
}

export const emptyCampaignValues: CampaignValues = {
  title: '',
  summary: '',
  amount: '',
  currency: 'USD',
  kind: 'flood',
  countries: '',
  glide: '',
};

/** A campaign's money as the disbursement service keeps it: what was raised and what is still available. */
export interface CampaignFunds {
  currency: string;
  raised: number;
  available: number;
}

function fundsCells(
  page: PageContext,
  campaign: ConsoleCampaign,
  funds: CampaignFunds | null | undefined,
): SafeHtml {
  const { t, fmt } = page;
  if (!funds) {
    // A draft takes no gifts; for a public campaign the figures could not be had just now.
    const text =
      campaign.status === 'draft' ? t('console.dashboard.draftNoGifts') : t('console.dashboard.noFigures');
    return html`<td data-label="${t('console.dashboard.raised')}" class="num">${text}</td><td data-label="${t('console.dashboard.available')}" class="num">${text}</td>`;
  }
  return html`<td data-label="${t('console.dashboard.raised')}" class="num">${fmt.money(funds.raised, funds.currency)}</td><td data-label="${t('console.dashboard.available')}" class="num">${fmt.money(funds.available, funds.currency)}</td>`;
}

function campaignRow(
  page: PageContext,
  campaign: ConsoleCampaign,
  funds?: ReadonlyMap<string, CampaignFunds | null>,
): SafeHtml {
  const { fmt } = page;
  return html`<tr><th scope="row"><a href="/console/campaigns/${campaign.id}">${campaign.title}</a></th><td data-label="${page.t('console.campaigns.status')}">${statusBadge(page, campaign.status)}</td><td data-label="${page.t('console.campaigns.goal')}" class="num">${fmt.money(campaign.goal.amount, campaign.goal.currency)}</td>${funds ? fundsCells(page, campaign, funds.get(campaign.id)) : ''}<td data-label="${page.t('console.campaigns.created')}"><time datetime="${campaign.createdAt}">${fmt.date(campaign.createdAt)}</time></td></tr>`;
}

/** The organization's campaigns as a table that becomes cards on a phone. */
export function campaignTable(
  page: PageContext,
  campaigns: readonly ConsoleCampaign[],
  funds?: ReadonlyMap<string, CampaignFunds | null>,
): SafeHtml {
  const { t } = page;
  if (campaigns.length === 0) return html`<p>${t('console.campaigns.none')}</p>`;
  return html`<div class="table-wrap"><table class="stack"><caption class="visually-hidden">${t('console.campaigns.heading')}</caption>
<thead><tr><th scope="col">${t('console.campaigns.campaign')}</th><th scope="col">${t('console.campaigns.status')}</th><th scope="col" class="num">${t('console.campaigns.goal')}</th>${funds ? html`<th scope="col" class="num">${t('console.dashboard.raised')}</th><th scope="col" class="num">${t('console.dashboard.available')}</th>` : ''}<th scope="col">${t('console.campaigns.created')}</th></tr></thead>
<tbody>${campaigns.map((campaign) => campaignRow(page, campaign, funds))}</tbody></table></div>`;
}

export function campaignListPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  campaigns: readonly ConsoleCampaign[],
): string {
  const { t } = page;
  return consoleLayout(page, session, {
    title: t('console.campaigns.heading'),
    section: 'campaigns',
    csrfToken,
    body: html`<h1>${t('console.campaigns.heading')}</h1>
${session.role !== 'approver' ? html`<p><a class="button-primary" href="/console/campaigns/new">${t('console.campaigns.new')}</a></p>` : ''}
${campaignTable(page, campaigns)}`,
  });
}

function textInput(
  id: CampaignField,
  label: string,
  state: CampaignFormState,
  extra: SafeHtml | '' = '',
  hint?: { id: string; text: string },
): SafeHtml {
  return html`<label for="${id}">${label}</label>
${hint ? html`<p class="hint" id="${hint.id}">${hint.text}</p>` : ''}
<input id="${id}" name="${id}" value="${state.values[id]}"${extra}${fieldAria(id, state.errors[id], hint?.id)}>
${fieldError(id, state.errors[id])}`;
}

/** Create or edit: the same fields, posted to a different place. */
export function campaignFormPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  state: CampaignFormState,
  target: { campaignId?: string; published?: boolean },
): string {
  const { t } = page;
  const editing = target.campaignId !== undefined;
  const heading = editing ? t('console.campaignForm.editHeading') : t('console.campaignForm.newHeading');
  const currencies = donorCurrencies.includes(state.values.currency as (typeof donorCurrencies)[number])
    ? donorCurrencies
    : [state.values.currency, ...donorCurrencies];
  const errorCount = Object.keys(state.errors).length;
  return consoleLayout(page, session, {
    title: heading,
    section: 'campaigns',
    csrfToken,
    body: html`<h1>${heading}</h1>
${errorCount > 0 ? html`<p class="problem" role="alert">${t('console.form.fixErrors', { count: errorCount })}</p>` : ''}
${notice(state.problem, 'problem')}
<form method="post" action="${editing ? `/console/campaigns/${target.campaignId}/edit` : '/console/campaigns'}" class="console-form" novalidate>
${csrfInput(csrfToken)}
${textInput('title', t('console.campaignForm.title'), state, html` required maxlength="200"`)}
<label for="summary">${t('console.campaignForm.summary')}</label>
<textarea id="summary" name="summary" required maxlength="5000" rows="5"${fieldAria('summary', state.errors.summary)}>${state.values.summary}</textarea>
${fieldError('summary', state.errors.summary)}
<fieldset>
<legend>${t('console.campaignForm.goal')}</legend>
${textInput('amount', t('console.campaignForm.amount'), state, html` inputmode="decimal" required dir="ltr"`)}
<label for="currency">${t('console.campaignForm.currency')}</label>
${target.published ? html`<p class="hint" id="currency-hint">${t('console.campaignForm.currencyLocked')}</p>` : ''}
<select id="currency" name="currency"${fieldAria('currency', state.errors.currency, target.published ? 'currency-hint' : undefined)}>${currencies.map((code) => html`<option value="${code}"${code === state.values.currency ? html` selected` : ''}>${code}</option>`)}</select>
${fieldError('currency', state.errors.currency)}
</fieldset>
<fieldset>
<legend>${t('console.campaignForm.crisis')}</legend>
<label for="kind">${t('console.campaignForm.kind')}</label>
<select id="kind" name="kind"${fieldAria('kind', state.errors.kind)}>${crisisKinds.map((kind) => html`<option value="${kind}"${kind === state.values.kind ? html` selected` : ''}>${kind === 'other' ? t('console.campaignForm.kindOther') : t(crisisKindKey(kind))}</option>`)}</select>
${fieldError('kind', state.errors.kind)}
${textInput('countries', t('console.campaignForm.countries'), state, html` required dir="ltr" autocapitalize="characters"`, { id: 'countries-hint', text: t('console.campaignForm.countriesHint') })}
${textInput('glide', t('console.campaignForm.glide'), state, html` dir="ltr" autocapitalize="characters"`, { id: 'glide-hint', text: t('console.campaignForm.glideHint') })}
</fieldset>
<button type="submit">${editing ? t('console.campaignForm.save') : t('console.campaignForm.create')}</button>
</form>
<p><a href="${editing ? `/console/campaigns/${target.campaignId}` : '/console/campaigns'}">${t('console.form.cancel')}</a></p>`,
  });
}

export type CampaignDone = 'created' | 'saved' | 'published' | 'closed' | 'update-posted';

const doneKeys = {
  created: msgKey('console.campaign.doneCreated'),
  saved: msgKey('console.campaign.doneSaved'),
  published: msgKey('console.campaign.donePublished'),
  closed: msgKey('console.campaign.doneClosed'),
  'update-posted': msgKey('console.campaign.doneUpdatePosted'),
} as const;

export function isCampaignDone(value: unknown): value is CampaignDone {
  return typeof value === 'string' && value in doneKeys;
}

export type UpdateField = 'updateTitle' | 'updateBody' | 'photo';

export interface UpdateFormState {
  values: { updateTitle: string; updateBody: string };
  errors: Partial<Record<UpdateField, string>>;
  problem?: string | undefined;
}

export const emptyUpdateForm: UpdateFormState = { values: { updateTitle: '', updateBody: '' }, errors: {} };

function updateForm(
  page: PageContext,
  campaign: ConsoleCampaign,
  csrfToken: string,
  state: UpdateFormState,
): SafeHtml {
  const { t } = page;
  const { errors } = state;
  return html`<section aria-labelledby="post-update">
<h2 id="post-update">${t('console.update.heading')}</h2>
${notice(state.problem, 'problem')}
<form method="post" action="/console/campaigns/${campaign.id}/updates" enctype="multipart/form-data" class="console-form" novalidate>
${csrfInput(csrfToken)}
<label for="updateTitle">${t('console.update.title')}</label>
<input id="updateTitle" name="updateTitle" required maxlength="200" value="${state.values.updateTitle}"${fieldAria('updateTitle', errors.updateTitle)}>
${fieldError('updateTitle', errors.updateTitle)}
<label for="updateBody">${t('console.update.body')}</label>
<textarea id="updateBody" name="updateBody" required maxlength="5000" rows="5"${fieldAria('updateBody', errors.updateBody)}>${state.values.updateBody}</textarea>
${fieldError('updateBody', errors.updateBody)}
<label for="photo">${t('console.update.photo')}</label>
<p class="hint" id="photo-hint">${t('console.update.photoHint')}</p>
<input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp"${fieldAria('photo', errors.photo, 'photo-hint')}>
${fieldError('photo', errors.photo)}
<button type="submit">${t('console.update.post')}</button>
</form>
</section>`;
}

function updateList(
  page: PageContext,
  campaign: ConsoleCampaign,
  updates: readonly ConsoleUpdate[],
): SafeHtml {
  const { t, fmt } = page;
  if (updates.length === 0) return html`<p>${t('console.update.none')}</p>`;
  return html`${updates.map(
    (
      update,
    ) => html`<article class="update"><h3>${update.title}</h3><p class="meta"><time datetime="${update.postedAt}">${fmt.date(update.postedAt)}</time></p>
${update.body.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}
${update.photo ? html`<figure class="update-photo-figure"><img class="update-photo" src="/campaigns/${campaign.id}/updates/${update.id}/photo" alt="${t('web.campaign.updatePhotoAlt')}" loading="lazy"><figcaption class="meta">${t('web.campaign.updatePhotoHash')} <code class="hash">${update.photo.sha256}</code></figcaption></figure>` : ''}
</article>`,
  )}`;
}

/** One campaign as its organization sees it: the facts, what an admin can do next, and its updates. */
export function campaignConsolePage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  data: {
    campaign: ConsoleCampaign;
    updates: readonly ConsoleUpdate[];
    done?: CampaignDone | undefined;
    updateForm?: UpdateFormState;
  },
): string {
  const { t, fmt } = page;
  const { campaign } = data;
  const admin = session.role === 'admin';
  const action = (path: string, label: string) =>
    html`<form method="post" action="/console/campaigns/${campaign.id}/${path}">${csrfInput(csrfToken)}<button type="submit" class="button-quiet">${label}</button></form>`;
  return consoleLayout(page, session, {
    title: campaign.title,
    section: 'campaigns',
    csrfToken,
    body: html`<p><a href="/console/campaigns">${t('console.campaign.backToList')}</a></p>
<h1>${campaign.title}</h1>
${data.done ? notice(t(doneKeys[data.done])) : ''}
<p>${statusBadge(page, campaign.status)}</p>
<dl class="figures">
<div><dt>${t('console.campaigns.goal')}</dt><dd>${fmt.money(campaign.goal.amount, campaign.goal.currency)}</dd></div>
<div><dt>${t('console.campaign.crisis')}</dt><dd>${t(crisisKindKey(campaign.crisis.kind))} · ${fmt.list(campaign.crisis.countries.map(fmt.country))}</dd></div>
<div><dt>${t('console.campaigns.created')}</dt><dd><time datetime="${campaign.createdAt}">${fmt.date(campaign.createdAt)}</time></dd></div>
</dl>
<p>${campaign.summary}</p>
${campaign.status !== 'draft' ? html`<p><a href="/campaigns/${campaign.id}">${t('console.campaign.publicPage')}</a></p>` : html`<p class="hint">${t('console.campaign.draftHint')}</p>`}
${
  admin && campaign.status !== 'closed'
    ? html`<div class="actions">
<a href="/console/campaigns/${campaign.id}/edit">${t('console.campaign.edit')}</a>
${campaign.status === 'draft' ? action('publish', t('console.campaign.publish')) : ''}
${campaign.status === 'active' ? html`<a class="button-quiet" href="/console/campaigns/${campaign.id}/close">${t('console.campaign.close')}</a>` : ''}
</div>`
    : ''
}
${campaign.status !== 'draft' && session.role !== 'approver' ? updateForm(page, campaign, csrfToken, data.updateForm ?? emptyUpdateForm) : ''}
<section aria-labelledby="updates"><h2 id="updates">${t('console.update.listHeading')}</h2>
${updateList(page, campaign, data.updates)}</section>`,
  });
}
