import { html, layout } from './html.ts';
import type { PageContext } from './page-context.ts';

export function aboutLedgerPage(page: PageContext, key: string | null): string {
  const { t } = page;
  return layout(
    page,
    t('web.about.title'),
    html`<h1>${t('web.about.title')}</h1>
<p>${t('web.about.appended')}</p>
<p>${t('web.about.bytes')}</p>
<p>${t('web.about.privacy')}</p>
<p>${t('web.about.checkpoint')}</p>
${key ? html`<p><code class="hash" dir="ltr">${key}</code></p>` : html`<p>${t('web.about.noKey')}</p>`}
<p>${t('web.about.machine')} <a href="/api/ledger/openapi.json">${t('web.about.api')}</a></p>`,
  );
}

/** The error pages, each saying what happened and where to go next. */
export type ErrorPageKind =
  | 'not-found'
  | 'not-on-ledger'
  | 'bad-ledger-page'
  | 'unavailable'
  | 'error'
  | 'not-taking-gifts'
  | 'form-expired'
  | 'bad-request';

export function errorPage(page: PageContext, kind: ErrorPageKind, campaignId = ''): string {
  const { t } = page;
  const home = html`<a href="/">${t('web.error.seeCampaigns')}</a>`;
  switch (kind) {
    case 'not-found':
      return layout(
        page,
        t('web.error.notFoundTitle'),
        html`<h1>${t('web.error.notFoundTitle')}</h1><p>${t('web.error.notFound')} ${home}</p>`,
      );
    case 'not-on-ledger':
      return layout(
        page,
        t('web.error.notFoundTitle'),
        html`<h1>${t('web.error.notOnLedgerHeading')}</h1><p>${t('web.error.notOnLedger')} ${home}</p>`,
      );
    case 'bad-ledger-page':
      return layout(
        page,
        t('web.error.badAddressTitle'),
        html`<h1>${t('web.error.badLedgerPageHeading')}</h1><p>${t('web.error.badLedgerPage')} <a href="/campaigns/${campaignId}/ledger">${t('web.error.firstEntry')}</a></p>`,
      );
    case 'unavailable':
      return layout(
        page,
        t('web.error.unavailableTitle'),
        html`<h1>${t('web.error.unavailableHeading')}</h1><p>${t('web.error.tryAgain')}</p>`,
      );
    case 'not-taking-gifts':
      return layout(
        page,
        t('web.error.notTakingGiftsTitle'),
        html`<h1>${t('web.error.notTakingGiftsTitle')}</h1><p>${t('web.error.notTakingGifts')} <a href="/campaigns/${campaignId}">${t('web.error.campaignRecord')}</a> · ${home}</p>`,
      );
    case 'bad-request':
      return layout(
        page,
        t('web.error.badRequestTitle'),
        html`<h1>${t('web.error.badRequestTitle')}</h1><p>${t('web.error.badRequest')} ${home}</p>`,
      );
    case 'form-expired':
      return layout(
        page,
        t('web.error.formExpiredTitle'),
        html`<h1>${t('web.error.formExpiredTitle')}</h1><p>${t('web.give.formExpired')}</p>`,
      );
    case 'error':
      return layout(
        page,
        t('web.error.errorTitle'),
        html`<h1>${t('web.error.errorHeading')}</h1><p>${t('web.error.tryAgain')}</p>`,
      );
  }
}
