import { html, languagePicker, type SafeHtml } from '../pages/html.ts';
import type { PageContext } from '../pages/page-context.ts';
import type { ConsoleSession } from './console-session.ts';

export type ConsoleSection = 'home' | 'campaigns' | 'money' | 'members' | 'audit';

export interface ConsoleLayoutOptions {
  title: string;
  body: SafeHtml;
  /** The part of the console this page belongs to, marked as current in the navigation. */
  section?: ConsoleSection;
  /** The anti-forgery token for the sign-out form every page carries. */
  csrfToken: string;
  /** More for the page's head: its own scripts (this site's only). */
  head?: SafeHtml;
}

function navigation(page: PageContext, current: ConsoleSection | undefined): SafeHtml {
  const { t } = page;
  const items: readonly { section: ConsoleSection; href: string; label: string }[] = [
    { section: 'home', href: '/console', label: t('console.nav.home') },
    { section: 'campaigns', href: '/console/campaigns', label: t('console.nav.campaigns') },
    { section: 'money', href: '/console/money', label: t('console.nav.money') },
    { section: 'members', href: '/console/members', label: t('console.nav.members') },
    { section: 'audit', href: '/console/audit', label: t('console.nav.audit') },
  ];
  const links = items.map((item) =>
    item.section === current
      ? html`<li><a href="${item.href}" aria-current="page">${item.label}</a></li>`
      : html`<li><a href="${item.href}">${item.label}</a></li>`,
  );
  return html`<nav class="console-nav" aria-label="${t('console.nav.label')}"><ul>${links}</ul></nav>`;
}

/**
 * A console page: who is signed in for which organization, the console's sections, the language picker and
 * sign-out, around the page's own body. Same head as the public site (its stylesheet too, for the shared
 * look), plus the console's own styles.
 */
export function consoleLayout(
  page: PageContext,
  session: ConsoleSession,
  options: ConsoleLayoutOptions,
): string {
  const { t } = page;
  return html`<!doctype html>
<html lang="${page.locale}" dir="${page.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('console.layout.title', { page: options.title, organization: session.organizationName })}</title>
<link rel="stylesheet" href="/static/site.css">
<link rel="stylesheet" href="/static/console.css">
<link rel="icon" href="data:,">
${options.head ?? ''}</head>
<body class="console">
<a class="skip" href="#main">${t('web.layout.skip')}</a>
<header class="console-header">
<div class="console-who">
<a href="/console" class="console-org">${session.organizationName}</a>
<p class="console-person"><a href="/console/account">${session.name}</a> · ${t('console.account.role', { role: session.role })}</p>
<form method="post" action="/console/sign-out" class="console-sign-out">
<input type="hidden" name="csrf" value="${options.csrfToken}">
<button type="submit">${t('console.account.signOut')}</button>
</form>
</div>
${navigation(page, options.section)}
${languagePicker(page)}
</header>
<main id="main" class="console-main">${options.body}</main>
</body>
</html>`.value;
}
