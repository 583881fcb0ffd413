import { msgKey, type MessageKey } from '@aid/i18n';
import { html, languagePicker, type SafeHtml } from '../../pages/html.ts';
import type { PageContext } from '../../pages/page-context.ts';
import { csrfInput, fieldAria, fieldError, notice } from '../console-kit.ts';

/** An application as the campaign service shows it to the platform administrator. */
export interface ReviewedApplication {
  id: string;
  name: string;
  country: string;
  kind: string;
  registrationNumber: string;
  website: string | null;
  about: string;
  contact: { name: string; email: string };
  submittedAt: string;
  status: 'pending' | 'approved' | 'rejected';
  documents: {
    id: string;
    name: string;
    contentType: string;
    size: number;
    sha256: string;
    uploadedAt: string;
  }[];
  decision: {
    decision: 'approve' | 'reject';
    reason: string;
    decidedAt: string;
    organizationId: string | null;
  } | null;
}

const kindKeys: Record<string, MessageKey> = {
  'diaspora-association': msgKey('web.organization.kind.diasporaAssociation'),
  ngo: msgKey('web.organization.kind.ngo'),
  'local-partner': msgKey('web.organization.kind.localPartner'),
  foundation: msgKey('web.organization.kind.foundation'),
  government: msgKey('web.organization.kind.government'),
};

export function kindName(page: PageContext, kind: string): string {
  const key = kindKeys[kind];
  return key ? page.t(key) : kind;
}

const statusKeys: Record<ReviewedApplication['status'], MessageKey> = {
  pending: msgKey('console.admin.status.pending'),
  approved: msgKey('console.admin.status.approved'),
  rejected: msgKey('console.admin.status.rejected'),
};

/** The administrator's pages: the site's look and the console's forms, without an organization's navigation. */
function adminLayout(page: PageContext, title: string, body: SafeHtml, signOutToken: string | null): string {
  const { t } = page;
  return html`<!doctype html>
<html lang="${page.locale}" dir="${page.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('console.admin.layoutTitle', { page: title })}</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="stylesheet" href="/static/console.css">
<link rel="icon" href="data:,">
</head>
<body class="console">
<a class="skip" href="#main">${t('web.layout.skip')}</a>
<header class="console-header">
<div class="console-who">
<a href="/console/admin" class="console-org">${t('console.admin.title')}</a>
${signOutToken === null ? '' : html`<form method="post" action="/console/admin/sign-out" class="console-sign-out">${csrfInput(signOutToken)}<button type="submit">${t('console.admin.signOut')}</button></form>`}
</div>
${languagePicker(page)}
</header>
<main id="main" class="console-main">${body}</main>
</body>
</html>`.value;
}

export function adminSignInPage(
  page: PageContext,
  state: { csrfToken: string; next: string; error?: string | undefined },
): string {
  const { t } = page;
  return adminLayout(
    page,
    t('console.admin.signInTitle'),
    html`<h1>${t('console.admin.signInTitle')}</h1>
<form method="post" action="/console/admin/sign-in" class="console-form" novalidate>
${csrfInput(state.csrfToken)}
<input type="hidden" name="next" value="${state.next}">
<label for="key">${t('console.admin.key')}</label>
<p class="hint" id="key-hint">${t('console.admin.keyHint')}</p>
<input id="key" name="key" type="password" autocomplete="current-password" required${fieldAria('key', state.error, 'key-hint')}>
${fieldError('key', state.error)}
<button type="submit">${t('console.admin.signIn')}</button>
</form>`,
    null,
  );
}

export function adminForgedPage(page: PageContext, back: string): string {
  const { t } = page;
  return adminLayout(
    page,
    t('console.refused.title'),
    html`<h1>${t('console.refused.title')}</h1>
<p class="problem" role="alert">${t('console.admin.forged')}</p>
<p><a href="${back}">${t('console.refused.back')}</a></p>`,
    null,
  );
}

export function pendingApplicationsPage(
  page: PageContext,
  applications: ReviewedApplication[],
  csrfToken: string,
): string {
  const { t, fmt } = page;
  // A list rather than a table: on a phone every application reads whole, nothing hides off to the side.
  const items = applications.map(
    (
      application,
    ) => html`<li><a href="/console/admin/applications/${application.id}"><strong>${application.name}</strong></a>
<dl class="facts">
<div><dt>${t('web.apply.country')}</dt><dd>${fmt.country(application.country)}</dd></div>
<div><dt>${t('web.apply.kind')}</dt><dd>${kindName(page, application.kind)}</dd></div>
<div><dt>${t('console.admin.submitted')}</dt><dd>${fmt.dateTime(application.submittedAt)}</dd></div>
<div><dt>${t('console.admin.documents')}</dt><dd>${fmt.number(application.documents.length)}</dd></div>
</dl></li>`,
  );
  return adminLayout(
    page,
    t('console.admin.pendingTitle'),
    html`<h1>${t('console.admin.pendingTitle')}</h1>
${applications.length === 0 ? html`<p>${t('console.admin.none')}</p>` : html`<ul class="applications">${items}</ul>`}`,
    csrfToken,
  );
}

export interface DecisionFormState {
  decision: string;
  reason: string;
  errors: { decision?: string; reason?: string };
  problem?: string | undefined;
}

function decisionSection(
  page: PageContext,
  application: ReviewedApplication,
  csrfToken: string,
  form: DecisionFormState,
): SafeHtml {
  const { t, fmt } = page;
  const decision = application.decision;
  if (decision) {
    // A decision posted after another one stood (another tab, another administrator) is refused: said here.
    return html`<section aria-labelledby="decision"><h2 id="decision">${t('console.admin.decisionTitle')}</h2>
${notice(form.problem, 'problem')}
<p>${decision.decision === 'approve' ? t('console.admin.approved', { date: fmt.dateTime(decision.decidedAt) }) : t('console.admin.rejected', { date: fmt.dateTime(decision.decidedAt) })}</p>
<p>${t('console.admin.reasonShown', { reason: decision.reason })}</p>
${decision.organizationId ? html`<p>${t('console.admin.organizationId')} <code>${decision.organizationId}</code></p>` : ''}
</section>`;
  }
  const checked = (value: string) => (form.decision === value ? html` checked` : '');
  return html`<section aria-labelledby="decision"><h2 id="decision">${t('console.admin.decisionTitle')}</h2>
${notice(form.problem, 'problem')}
<form method="post" action="/console/admin/applications/${application.id}/decision" class="console-form" novalidate>
${csrfInput(csrfToken)}
<fieldset${fieldAria('decision', form.errors.decision)}>
<legend>${t('console.admin.decisionLegend')}</legend>
<label class="check"><input type="radio" name="decision" value="approve"${checked('approve')}> ${t('console.admin.approve')}</label>
<label class="check"><input type="radio" name="decision" value="reject"${checked('reject')}> ${t('console.admin.reject')}</label>
</fieldset>
${fieldError('decision', form.errors.decision)}
<label for="reason">${t('console.admin.reason')}</label>
<p class="hint" id="reason-hint">${t('console.admin.reasonHint')}</p>
<textarea id="reason" name="reason" required maxlength="2000"${fieldAria('reason', form.errors.reason, 'reason-hint')}>${form.reason}</textarea>
${fieldError('reason', form.errors.reason)}
<button type="submit">${t('console.admin.decide')}</button>
</form>
</section>`;
}

export function applicationReviewPage(
  page: PageContext,
  application: ReviewedApplication,
  state: { csrfToken: string; form: DecisionFormState; decided: boolean },
): string {
  const { t, fmt } = page;
  const documents = application.documents.map(
    (
      document,
    ) => html`<li><a href="/console/admin/applications/${application.id}/documents/${document.id}" download>${document.name}</a>
<span class="meta"> · ${document.contentType} · ${t('console.admin.bytes', { size: document.size })}</span>
<br><span class="meta">${t('console.admin.sha256')} <code class="hash">${document.sha256}</code></span></li>`,
  );
  return adminLayout(
    page,
    application.name,
    html`<p><a href="/console/admin">${t('console.admin.back')}</a></p>
<h1>${application.name}</h1>
${state.decided ? notice(t('console.admin.decidedNotice')) : ''}
<p><span class="status">${t(statusKeys[application.status])}</span> · ${t('console.admin.submitted')} ${fmt.dateTime(application.submittedAt)}</p>
<dl class="facts">
<div><dt>${t('web.apply.country')}</dt><dd>${fmt.country(application.country)} (${application.country})</dd></div>
<div><dt>${t('web.apply.kind')}</dt><dd>${kindName(page, application.kind)}</dd></div>
<div><dt>${t('web.apply.registrationNumber')}</dt><dd>${application.registrationNumber}</dd></div>
<div><dt>${t('web.apply.website')}</dt><dd>${application.website ? html`<a href="${application.website}" rel="noopener noreferrer nofollow">${application.website}</a>` : '—'}</dd></div>
<div><dt>${t('web.apply.contactName')}</dt><dd>${application.contact.name}</dd></div>
<div><dt>${t('web.apply.contactEmail')}</dt><dd>${application.contact.email}</dd></div>
</dl>
<section aria-labelledby="about"><h2 id="about">${t('web.apply.about')}</h2><p class="about">${application.about}</p></section>
<section aria-labelledby="documents"><h2 id="documents">${t('console.admin.documents')}</h2>
${documents.length === 0 ? html`<p>${t('console.admin.noDocuments')}</p>` : html`<ul class="documents">${documents}</ul>`}
</section>
${decisionSection(page, application, state.csrfToken, state.form)}`,
    state.csrfToken,
  );
}
