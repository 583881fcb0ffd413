import { html, layout, type SafeHtml } from '../pages/html.ts';
import type { PageContext } from '../pages/page-context.ts';
import { consoleLayout } from './console-layout.ts';
import type { ConsoleSession } from './console-session.ts';

export type SignInProblem =
  'email' | 'limited' | 'forged' | 'link-used' | 'link-expired' | 'link-unknown' | 'unavailable';

function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

const consoleStyles = html`<link rel="stylesheet" href="/static/console.css">`;
const passkeyScripts = html`<script src="/static/js/vendor/simplewebauthn.js" defer></script><script src="/static/js/passkey.js" defer></script>`;

/** A button the page's script shows where the browser can use passkeys; without script, the email way remains. */
function passkeyButton(
  page: PageContext,
  id: 'passkey-sign-in' | 'passkey-add',
  label: string,
  csrfToken: string,
): SafeHtml {
  const { t } = page;
  return html`<button type="button" class="button-primary" id="${id}" hidden data-csrf="${csrfToken}" data-status="${id}-status" data-working="${t('console.passkey.working')}" data-failed="${t('console.passkey.failed')}" data-unsupported="${t('console.passkey.unsupported')}">${label}</button>
<p id="${id}-status" class="hint" role="status" aria-live="polite"></p>`;
}

function problemText(page: PageContext, problem: SignInProblem): string {
  const { t } = page;
  switch (problem) {
    case 'email':
      return t('console.signIn.problemEmail');
    case 'limited':
      return t('console.signIn.problemLimited');
    case 'forged':
      return t('console.signIn.problemForged');
    case 'link-used':
      return t('console.signIn.problemLinkUsed');
    case 'link-expired':
      return t('console.signIn.problemLinkExpired');
    case 'link-unknown':
      return t('console.signIn.problemLinkUnknown');
    case 'unavailable':
      return t('console.signIn.problemUnavailable');
  }
}

/** The sign-in form: an email address, and a link by email; nothing to remember, nothing to leak. */
export function signInPage(
  page: PageContext,
  state: { csrfToken: string; next: string; email?: string; problem?: SignInProblem },
): string {
  const { t } = page;
  const problem = state.problem ? problemText(page, state.problem) : null;
  return layout(
    page,
    t('console.signIn.title'),
    html`<section class="narrow">
<h1>${t('console.signIn.heading')}</h1>
<p>${t('console.signIn.lead')}</p>
${problem ? html`<p class="problem" role="alert" id="sign-in-problem">${problem}</p>` : ''}
<form method="post" action="/console/sign-in" class="console-form" novalidate>
${csrfField(state.csrfToken)}
<input type="hidden" name="next" value="${state.next}">
<label for="email">${t('console.signIn.email')}</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${state.email ?? ''}"${problem ? html` aria-invalid="true" aria-describedby="sign-in-problem"` : ''}>
<button type="submit">${t('console.signIn.send')}</button>
</form>
<section class="passkey" aria-labelledby="passkey-heading">
<h2 id="passkey-heading">${t('console.passkey.signInHeading')}</h2>
${passkeyButton(page, 'passkey-sign-in', t('console.passkey.signIn'), state.csrfToken)}
</section>
<p class="hint">${t('console.signIn.apiKeysHint')}</p>
</section>`,
    html`${consoleStyles}${passkeyScripts}`,
  );
}

export function checkEmailPage(page: PageContext, email: string): string {
  const { t } = page;
  return layout(
    page,
    t('console.signIn.checkTitle'),
    html`<section class="narrow">
<h1>${t('console.signIn.checkHeading')}</h1>
<p>${t('console.signIn.checkLead', { email })}</p>
<p>${t('console.signIn.checkExpiry')}</p>
<p><a href="/console/sign-in">${t('console.signIn.tryAgain')}</a></p>
</section>`,
    consoleStyles,
  );
}

/**
 * What an emailed link opens: a button, not a sign-in. Mail scanners fetch links to check them; only the
 * person's press posts the secret and uses the link up.
 */
export function linkPage(
  page: PageContext,
  state: { csrfToken: string; token: string; problem?: SignInProblem },
): string {
  const { t } = page;
  if (state.problem) {
    return layout(
      page,
      t('console.signIn.linkTitle'),
      html`<section class="narrow">
<h1>${t('console.signIn.linkProblemHeading')}</h1>
<p class="problem" role="alert">${problemText(page, state.problem)}</p>
<p><a href="/console/sign-in">${t('console.signIn.askNewLink')}</a></p>
</section>`,
      consoleStyles,
    );
  }
  return layout(
    page,
    t('console.signIn.linkTitle'),
    html`<section class="narrow">
<h1>${t('console.signIn.linkHeading')}</h1>
<form method="post" action="/console/sign-in/link" class="console-form">
${csrfField(state.csrfToken)}
<input type="hidden" name="token" value="${state.token}">
<button type="submit">${t('console.signIn.continue')}</button>
</form>
</section>`,
    consoleStyles,
  );
}

/** Who is signed in, until when, and the way out on every device at once (the console's header signs out here). */
export function accountPanel(page: PageContext, session: ConsoleSession, csrfToken: string): SafeHtml {
  const { t, fmt } = page;
  return html`<section class="account" aria-labelledby="account-heading">
<h2 id="account-heading">${t('console.account.heading')}</h2>
<p>${t('console.account.signedInAs', { name: session.name, organization: session.organizationName })}</p>
<p>${t('console.account.role', { role: session.role })}</p>
<p>${t('console.account.until', { date: fmt.date(new Date(session.expiresAt)) })}</p>
<form method="post" action="/console/sign-out-everywhere" class="inline">${csrfField(csrfToken)}<button type="submit" class="secondary">${t('console.account.signOutEverywhere')}</button></form>
</section>`;
}

export interface PasskeyRow {
  id: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The person's own account, in the console: who, until when, the ways out, and their passkeys. */
export function accountPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  passkeys: readonly PasskeyRow[],
): string {
  const { t, fmt } = page;
  const rows = passkeys.map(
    (passkey) =>
      html`<li>${t('console.passkey.added', { date: fmt.date(new Date(passkey.createdAt)) })}${passkey.lastUsedAt ? html` · ${t('console.passkey.lastUsed', { date: fmt.date(new Date(passkey.lastUsedAt)) })}` : ''}</li>`,
  );
  return consoleLayout(page, session, {
    title: t('console.account.heading'),
    csrfToken,
    head: passkeyScripts,
    body: html`<section class="narrow">${accountPanel(page, session, csrfToken)}
<section class="passkey" aria-labelledby="passkeys-heading">
<h2 id="passkeys-heading">${t('console.passkey.heading')}</h2>
<p>${t('console.passkey.lead')}</p>
${rows.length > 0 ? html`<ul class="passkeys">${rows}</ul>` : html`<p>${t('console.passkey.none')}</p>`}
${passkeyButton(page, 'passkey-add', t('console.passkey.add'), csrfToken)}
</section></section>`,
  });
}

export function signedOutPage(page: PageContext, everywhere: boolean): string {
  const { t } = page;
  return layout(
    page,
    t('console.signIn.signedOutTitle'),
    html`<section class="narrow">
<h1>${everywhere ? t('console.signIn.signedOutEverywhere') : t('console.signIn.signedOut')}</h1>
<p><a href="/console/sign-in">${t('console.signIn.signInAgain')}</a></p>
</section>`,
    consoleStyles,
  );
}

/** A service refused what the person asked (not theirs, not their role): its own words, with the way back. */
export function refusedPage(page: PageContext, detail: string): string {
  const { t } = page;
  return layout(
    page,
    t('console.refused.title'),
    html`<section class="narrow">
<h1>${t('console.refused.title')}</h1>
<p class="problem" role="alert">${detail}</p>
<p><a href="/console">${t('console.refused.back')}</a></p>
</section>`,
    consoleStyles,
  );
}
