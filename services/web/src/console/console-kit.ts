import type { MemberRole } from '@aid/contracts';
import { msgKey, type MessageKey } from '@aid/i18n';
import express, { type Request, type Response } from 'express';
import { html, type SafeHtml } from '../pages/html.ts';
import type { PageContext } from '../pages/page-context.ts';
import { consoleLayout, type ConsoleSection } from './console-layout.ts';
import type { ConsoleSession } from './console-session.ts';

/** The console's plain forms: a few short fields (campaign texts are the longest). */
export const consoleForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 30 });

/** Console pages are the person's own: never kept by a shared cache or the browser's back-forward store. */
export function sendPage(response: Response, status: number, body: string): void {
  response.status(status).type('html').set('cache-control', 'no-store').send(body);
}

/** A posted text field, trimmed; empty when absent. */
export function formField(request: Request, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** `aria-invalid` and `aria-describedby` for an input: its hint, and its error when there is one. */
export function fieldAria(id: string, error: string | undefined, hintId?: string): SafeHtml {
  const described = [hintId, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return html`${error ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}`;
}

export function fieldError(id: string, error: string | undefined): SafeHtml | '' {
  return error ? html`<p class="field-error" id="${id}-error">${error}</p>` : '';
}

/** A confirmation after a POST-redirect-GET, or a service's refusal shown on the page it concerns. */
export function notice(text: string | undefined, kind: 'notice' | 'problem' = 'notice'): SafeHtml | '' {
  if (!text) return '';
  return kind === 'problem'
    ? html`<p class="problem" role="alert">${text}</p>`
    : html`<p class="notice" role="status">${text}</p>`;
}

const roleKeys: Record<MemberRole, MessageKey> = {
  admin: msgKey('console.role.admin'),
  approver: msgKey('console.role.approver'),
  'field-officer': msgKey('console.role.fieldOfficer'),
};

export function roleName(page: PageContext, role: MemberRole): string {
  return page.t(roleKeys[role]);
}

const statusKeys: Record<string, MessageKey> = {
  draft: msgKey('console.status.draft'),
  active: msgKey('console.status.active'),
  closed: msgKey('console.status.closed'),
};

export function statusBadge(page: PageContext, status: string): SafeHtml {
  return html`<span class="status status-${status}">${page.t(statusKeys[status] ?? msgKey('console.status.draft'))}</span>`;
}

/** A page the console answers a forged form post with: nothing was done. */
export function forgedPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  back: string,
): string {
  const { t } = page;
  return consoleLayout(page, session, {
    title: t('console.refused.title'),
    csrfToken,
    body: html`<h1>${t('console.refused.title')}</h1>
<p class="problem" role="alert">${t('console.forged')}</p>
<p><a href="${back}">${t('console.refused.back')}</a></p>`,
  });
}

/** A service's refusal of an action that has no form to show it next to: its own words, and the way back. */
export function refusalPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  detail: string,
  back: string,
  section?: ConsoleSection,
): string {
  const { t } = page;
  return consoleLayout(page, session, {
    title: t('console.refused.title'),
    csrfToken,
    ...(section ? { section } : {}),
    body: html`<h1>${t('console.refused.title')}</h1>
<p class="problem" role="alert">${detail}</p>
<p><a href="${back}">${t('console.refused.back')}</a></p>`,
  });
}

/** Campaigns and members as the campaign service describes them. */
export interface ConsoleCampaign {
  id: string;
  organizationId: string;
  status: 'draft' | 'active' | 'closed';
  title: string;
  summary: string;
  goal: { amount: number; currency: string };
  crisis: { kind: string; countries: string[]; glide?: string };
  revision: number;
  createdAt: string;
  publishedAt: string | null;
  closedAt: string | null;
}

export interface ConsoleUpdate {
  id: string;
  title: string;
  body: string;
  postedAt: string;
  photo?: { contentType: string; size: number; sha256: string } | null;
}

export interface ConsoleMember {
  id: string;
  name: string;
  email: string | null;
  role: MemberRole;
  createdAt: string;
  revokedAt: string | null;
}

export interface ConsoleOrganization {
  id: string;
  name: string;
  country: string;
  kind: string;
  createdAt: string;
  members: ConsoleMember[];
}

/** A second step before what cannot be undone (removing someone, replacing a key, closing a campaign). */
export function confirmPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  options: {
    question: string;
    consequence: string;
    action: string;
    button: string;
    back: string;
    section: 'campaigns' | 'members';
  },
): string {
  const { t } = page;
  return consoleLayout(page, session, {
    title: options.question,
    section: options.section,
    csrfToken,
    body: html`<h1>${options.question}</h1>
<p>${options.consequence}</p>
<form method="post" action="${options.action}" class="actions">
${csrfInput(csrfToken)}
<button type="submit" class="button-primary">${options.button}</button>
<a href="${options.back}">${t('console.form.cancel')}</a>
</form>`,
  });
}
