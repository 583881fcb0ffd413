import { html, layout, type SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';
import { msgKey, type MessageKey } from '@aid/i18n';

export const applyFields = [
  'name',
  'country',
  'kind',
  'registrationNumber',
  'website',
  'about',
  'contactName',
  'contactEmail',
  'documents',
] as const;
export type ApplyField = (typeof applyFields)[number];
export type ApplyValues = Record<Exclude<ApplyField, 'documents'>, string>;

export interface ApplyFormState {
  csrfToken: string;
  values: ApplyValues;
  errors: Partial<Record<ApplyField, string>>;
  problem?: string | undefined;
}

export const emptyApplyValues: ApplyValues = {
  name: '',
  country: '',
  kind: '',
  registrationNumber: '',
  website: '',
  about: '',
  contactName: '',
  contactEmail: '',
};

const kinds: readonly [string, MessageKey][] = [
  ['diaspora-association', msgKey('web.organization.kind.diasporaAssociation')],
  ['ngo', msgKey('web.organization.kind.ngo')],
  ['local-partner', msgKey('web.organization.kind.localPartner')],
  ['foundation', msgKey('web.organization.kind.foundation')],
  ['government', msgKey('web.organization.kind.government')],
];

const formStyles = html`<link rel="stylesheet" href="/static/console.css">`;

function aria(field: ApplyField, error: string | undefined, hint: boolean): SafeHtml {
  const described = [hint ? `${field}-hint` : undefined, error ? `${field}-error` : undefined]
    .filter(Boolean)
    .join(' ');
  return html`${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
}

function errorOf(field: ApplyField, error: string | undefined): SafeHtml | '' {
  return error ? html`<p class="field-error" id="${field}-error">${error}</p>` : '';
}

/** The public form an organization applies with; every field labelled, errors next to their field. */
export function applyFormPage(page: PageContext, state: ApplyFormState): string {
  const { t } = page;
  const { values, errors } = state;
  const hint = (field: ApplyField, text: string) => html`<p class="hint" id="${field}-hint">${text}</p>`;
  const input = (
    field: ApplyField,
    label: string,
    attributes: SafeHtml,
    hintText?: string,
  ) => html`<label for="${field}">${label}</label>
${hintText ? hint(field, hintText) : ''}<input id="${field}" name="${field}" value="${field === 'documents' ? '' : values[field]}"${attributes}${aria(field, errors[field], hintText !== undefined)}>
${errorOf(field, errors[field])}`;
  const options = kinds.map(
    ([value, key]) =>
      html`<option value="${value}"${values.kind === value ? html` selected` : ''}>${t(key)}</option>`,
  );
  return layout(
    page,
    t('web.apply.title'),
    html`<h1>${t('web.apply.title')}</h1>
<p>${t('web.apply.intro')}</p>
${state.problem ? html`<p class="problem" role="alert">${state.problem}</p>` : ''}
<form method="post" action="/apply" enctype="multipart/form-data" class="console-form" novalidate>
<input type="hidden" name="csrf" value="${state.csrfToken}">
${input('name', t('web.apply.name'), html` type="text" required maxlength="200" autocomplete="organization"`)}
${input('country', t('web.apply.country'), html` type="text" required maxlength="2" autocapitalize="characters" class="short"`, t('web.apply.countryHint'))}
<label for="kind">${t('web.apply.kind')}</label>
<select id="kind" name="kind" required${aria('kind', errors.kind, false)}><option value="">${t('web.apply.choose')}</option>${options}</select>
${errorOf('kind', errors.kind)}
${input('registrationNumber', t('web.apply.registrationNumber'), html` type="text" required maxlength="100"`, t('web.apply.registrationNumberHint'))}
${input('website', t('web.apply.website'), html` type="url" maxlength="300" inputmode="url" placeholder="https://" dir="ltr"`)}
<label for="about">${t('web.apply.about')}</label>
${hint('about', t('web.apply.aboutHint'))}<textarea id="about" name="about" required maxlength="4000"${aria('about', errors.about, true)}>${values.about}</textarea>
${errorOf('about', errors.about)}
<fieldset>
<legend>${t('web.apply.contact')}</legend>
<p class="hint">${t('web.apply.contactHint')}</p>
${input('contactName', t('web.apply.contactName'), html` type="text" required maxlength="200" autocomplete="name"`)}
${input('contactEmail', t('web.apply.contactEmail'), html` type="email" required maxlength="254" autocomplete="email" dir="ltr"`)}
</fieldset>
${input('documents', t('web.apply.documents'), html` type="file" multiple accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"`, t('web.apply.documentsHint'))}
<button type="submit">${t('web.apply.submit')}</button>
</form>`,
    formStyles,
  );
}

/** After the application is in: what happens next, and what was received. */
export function applySentPage(page: PageContext, received: { documents: number; refused: number }): string {
  const { t, fmt } = page;
  return layout(
    page,
    t('web.apply.sentTitle'),
    html`<h1>${t('web.apply.sentTitle')}</h1>
<p class="notice" role="status">${t('web.apply.sentBody')}</p>
<p>${t('web.apply.sentDocuments', { count: fmt.number(received.documents) })}</p>
${received.refused > 0 ? html`<p class="problem">${t('web.apply.sentRefused', { count: fmt.number(received.refused) })}</p>` : ''}
<h2>${t('web.apply.nextTitle')}</h2>
<ol>
<li>${t('web.apply.next1')}</li>
<li>${t('web.apply.next2')}</li>
<li>${t('web.apply.next3')}</li>
</ol>
<p><a href="/">${t('web.apply.backHome')}</a></p>`,
    formStyles,
  );
}

export function applyForgedPage(page: PageContext): string {
  const { t } = page;
  return layout(
    page,
    t('web.apply.title'),
    html`<h1>${t('web.apply.title')}</h1>
<p class="problem" role="alert">${t('web.apply.forged')}</p>
<p><a href="/apply">${t('web.apply.again')}</a></p>`,
    formStyles,
  );
}
