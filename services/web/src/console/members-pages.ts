import { memberRoles, type MemberRole } from '@aid/contracts';
import { msgKey } from '@aid/i18n';
import { html, type SafeHtml } from '../pages/html.ts';
import type { PageContext } from '../pages/page-context.ts';
import { csrfInput, fieldAria, fieldError, notice, roleName, type ConsoleMember } from './console-kit.ts';
import { consoleLayout } from './console-layout.ts';
import type { ConsoleSession } from './console-session.ts';

export type InviteField = 'name' | 'email' | 'role';

export interface InviteFormState {
  values: { name: string; email: string; role: string };
  errors: Partial<Record<InviteField, string>>;
  problem?: string | undefined;
}

export const emptyInvite: InviteFormState = {
  values: { name: '', email: '', role: 'field-officer' },
  errors: {},
};

export type MembersDone = 'invited' | 'added' | 'invitation-failed' | 'invitation-sent' | 'removed';

const doneKeys = {
  invited: msgKey('console.members.doneInvited'),
  added: msgKey('console.members.doneAdded'),
  'invitation-failed': msgKey('console.members.doneInvitationFailed'),
  'invitation-sent': msgKey('console.members.doneInvitationSent'),
  removed: msgKey('console.members.doneRemoved'),
  'approval-rule-saved': msgKey('console.approvalRule.saved'),
} as const;

export function isMembersDone(value: unknown): value is MembersDone {
  return typeof value === 'string' && value in doneKeys;
}

function memberActions(
  page: PageContext,
  session: ConsoleSession,
  member: ConsoleMember,
  csrfToken: string,
): SafeHtml {
  const { t } = page;
  const named = (label: string) => html`${label}<span class="visually-hidden"> ${member.name}</span>`;
  // Replacing a key and removing someone cannot be undone: each opens a page that asks first.
  return html`<div class="actions">${
    member.email && member.id !== session.memberId
      ? html`<form method="post" action="/console/members/${member.id}/invitation">${csrfInput(csrfToken)}<button type="submit" class="button-quiet">${named(t('console.members.resendInvitation'))}</button></form>`
      : ''
  }<a class="button-quiet" href="/console/members/${member.id}/api-key">${named(t('console.members.rotateKey'))}</a><a class="button-quiet" href="/console/members/${member.id}/remove">${named(t('console.members.remove'))}</a></div>`;
}

function memberRow(
  page: PageContext,
  session: ConsoleSession,
  member: ConsoleMember,
  csrfToken: string,
): SafeHtml {
  const { t, fmt } = page;
  const you =
    member.id === session.memberId ? html` <span class="hint">${t('console.members.you')}</span>` : '';
  return html`<tr><th scope="row">${member.name}${you}</th><td data-label="${t('console.members.email')}">${member.email ? html`<span dir="ltr">${member.email}</span>` : t('console.members.noEmail')}</td><td data-label="${t('console.members.role')}">${roleName(page, member.role)}</td><td data-label="${t('console.members.since')}"><time datetime="${member.createdAt}">${fmt.date(member.createdAt)}</time></td>${session.role === 'admin' ? html`<td data-label="${t('console.members.actions')}">${memberActions(page, session, member, csrfToken)}</td>` : ''}</tr>`;
}

function inviteForm(page: PageContext, csrfToken: string, state: InviteFormState): SafeHtml {
  const { t } = page;
  const { values, errors } = state;
  return html`<section aria-labelledby="invite"><h2 id="invite">${t('console.members.inviteHeading')}</h2>
<p class="hint">${t('console.members.inviteLead')}</p>
${notice(state.problem, 'problem')}
<form method="post" action="/console/members" class="console-form" novalidate>
${csrfInput(csrfToken)}
<label for="name">${t('console.members.name')}</label>
<input id="name" name="name" required maxlength="200" autocomplete="off" value="${values.name}"${fieldAria('name', errors.name)}>
${fieldError('name', errors.name)}
<label for="email">${t('console.members.email')}</label>
<input id="email" name="email" type="email" required maxlength="254" autocomplete="off" dir="ltr" value="${values.email}"${fieldAria('email', errors.email)}>
${fieldError('email', errors.email)}
<label for="role">${t('console.members.role')}</label>
<select id="role" name="role"${fieldAria('role', errors.role)}>${memberRoles.map((role) => html`<option value="${role}"${role === values.role ? html` selected` : ''}>${roleName(page, role)}</option>`)}</select>
${fieldError('role', errors.role)}
<button type="submit">${t('console.members.invite')}</button>
</form></section>`;
}

export function membersPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  data: {
    members: readonly ConsoleMember[];
    done?: MembersDone | undefined;
    invite?: InviteFormState;
    approvalsAboveThreshold?: number | undefined;
  },
): string {
  const { t } = page;
  const admin = session.role === 'admin';
  const active = data.members.filter((member) => member.revokedAt === null);
  return consoleLayout(page, session, {
    title: t('console.members.heading'),
    section: 'members',
    csrfToken,
    body: html`<h1>${t('console.members.heading')}</h1>
${data.done ? notice(t(doneKeys[data.done])) : ''}
${admin ? '' : html`<p class="hint">${t('console.members.readOnly')}</p>`}
<div class="table-wrap"><table class="stack"><caption class="visually-hidden">${t('console.members.heading')}</caption>
<thead><tr><th scope="col">${t('console.members.name')}</th><th scope="col">${t('console.members.email')}</th><th scope="col">${t('console.members.role')}</th><th scope="col">${t('console.members.since')}</th>${admin ? html`<th scope="col">${t('console.members.actions')}</th>` : ''}</tr></thead>
<tbody>${active.map((member) => memberRow(page, session, member, csrfToken))}</tbody></table></div>
${admin ? html`<p class="hint">${t('console.members.keysHint')}</p>` : ''}
${admin ? inviteForm(page, csrfToken, data.invite ?? emptyInvite) : ''}
${admin ? integrationForm(page, csrfToken) : ''}
${data.approvalsAboveThreshold === undefined ? '' : approvalRuleSection(page, csrfToken, admin, data.approvalsAboveThreshold)}`,
  });
}

/**
 * An integration (an accounting export, a field app) acts with an API key under a role of its own, with no
 * email and no sign-in; its key is shown once on the next page. Removing it, like a person, revokes the key.
 */
function integrationForm(page: PageContext, csrfToken: string): SafeHtml {
  const { t } = page;
  return html`<section aria-labelledby="integrations"><h2 id="integrations">${t('console.integrations.heading')}</h2>
<p class="hint">${t('console.integrations.lead')}</p>
<form method="post" action="/console/members/integrations" class="console-form" novalidate>
${csrfInput(csrfToken)}
<label for="integrationName">${t('console.integrations.name')}</label>
<input id="integrationName" name="name" required maxlength="200" autocomplete="off">
<label for="integrationRole">${t('console.members.role')}</label>
<select id="integrationRole" name="role">${memberRoles.map((role) => html`<option value="${role}"${role === 'field-officer' ? html` selected` : ''}>${roleName(page, role)}</option>`)}</select>
<button type="submit">${t('console.integrations.create')}</button>
</form></section>`;
}

/**
 * The organization's approval rule (N of its approvers above a campaign's threshold): stated for everyone, set by
 * admins. Approvers need to know how many of them a large disbursement waits for.
 */
function approvalRuleSection(
  page: PageContext,
  csrfToken: string,
  admin: boolean,
  approvals: number,
): SafeHtml {
  const { t } = page;
  const choices = [2, 3, 4, 5, 6, 7, 8, 9, 10].map(
    (count) => html`<option value="${count}"${count === approvals ? html` selected` : ''}>${count}</option>`,
  );
  return html`<section aria-labelledby="approval-rule"><h2 id="approval-rule">${t('console.approvalRule.heading')}</h2>
<p>${t('console.approvalRule.current', { count: approvals })}</p>
${
  admin
    ? html`<form method="post" action="/console/members/approval-rule" class="console-form">${csrfInput(csrfToken)}
<label for="approvalsAboveThreshold">${t('console.approvalRule.label')}</label>
<select id="approvalsAboveThreshold" name="approvalsAboveThreshold">${choices}</select>
<button type="submit">${t('console.approvalRule.save')}</button></form>`
    : ''
}</section>`;
}

/** The one time a rotated key is shown: the answer to the post itself, never stored, never shown again. */
export function newKeyPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  member: { name: string; role: MemberRole },
  apiKey: string,
): string {
  const { t } = page;
  return consoleLayout(page, session, {
    title: t('console.members.newKeyTitle'),
    section: 'members',
    csrfToken,
    body: html`<h1>${t('console.members.newKeyTitle')}</h1>
<p>${t('console.members.newKeyFor', { name: member.name, role: roleName(page, member.role) })}</p>
<div class="secret" role="status">
<p><strong>${t('console.members.copyNow')}</strong></p>
<label for="new-key">${t('console.members.newKeyLabel')}</label>
<code id="new-key" dir="ltr" tabindex="0">${apiKey}</code>
</div>
<p>${t('console.members.oldKeyStops')}</p>
<p><a href="/console/members">${t('console.members.back')}</a></p>`,
  });
}
