import type { AuditRecord } from '@aid/contracts';
import { html, type SafeHtml } from '../pages/html.ts';
import type { PageContext } from '../pages/page-context.ts';
import { consoleLayout } from './console-layout.ts';
import type { ConsoleSession } from './console-session.ts';

/** Details worth a reader's eye; ids and hashes stay in the row's code text. */
function detailsText(details: AuditRecord['details']): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== '')
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(' · ');
}

function row(page: PageContext, entry: AuditRecord, names: ReadonlyMap<string, string>): SafeHtml {
  const { t, fmt } = page;
  const who =
    entry.actorMemberId === 'platform-admin'
      ? t('console.audit.platform')
      : (names.get(entry.actorMemberId) ?? entry.actorMemberId);
  return html`<tr><td data-label="${t('console.audit.when')}"><time datetime="${entry.at}">${fmt.dateTime(entry.at)}</time></td><td data-label="${t('console.audit.who')}">${who}</td><td data-label="${t('console.audit.what')}"><code>${entry.action}</code></td><td data-label="${t('console.audit.details')}">${detailsText(entry.details)} <span class="hint hash">${entry.targetId}</span></td></tr>`;
}

export function auditPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  data: {
    entries: readonly AuditRecord[];
    names: ReadonlyMap<string, string>;
    next: string | null;
    first: boolean;
  },
): string {
  const { t } = page;
  return consoleLayout(page, session, {
    title: t('console.audit.heading'),
    section: 'audit',
    csrfToken,
    body: html`<h1>${t('console.audit.heading')}</h1>
<p class="lead">${t('console.audit.lead')}</p>
<p><a href="/console/audit.csv" download>${t('console.export.csv')}</a></p>
${
  data.entries.length === 0
    ? html`<p>${t('console.audit.none')}</p>`
    : html`<div class="table-wrap"><table class="stack"><caption class="visually-hidden">${t('console.audit.heading')}</caption>
<thead><tr><th scope="col">${t('console.audit.when')}</th><th scope="col">${t('console.audit.who')}</th><th scope="col">${t('console.audit.what')}</th><th scope="col">${t('console.audit.details')}</th></tr></thead>
<tbody>${data.entries.map((entry) => row(page, entry, data.names))}</tbody></table></div>`
}
<nav class="pager" aria-label="${t('console.audit.pages')}">${data.first ? '' : html`<a href="/console/audit">${t('console.audit.newest')}</a>`}${data.next ? html`<a rel="next" href="/console/audit?after=${data.next}">${t('console.audit.older')}</a>` : ''}</nav>`,
  });
}
