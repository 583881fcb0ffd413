import type { GiftView, ReceiptGift } from '../donation-client.ts';
import { html, layout, moduleScript, type SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';

/** How far a gift has come, as its donor follows it: each stage is a fact the platform has, not a promise. */
export type GiftStage =
  | 'awaiting-payment'
  | 'processing'
  | 'payment-failed'
  | 'confirmed'
  | 'held'
  | 'recorded'
  | 'canceled'
  | 'refunded';

/**
 * `paymentSent`: the browser came back from paying (Stripe's `redirect_status=succeeded`), so until Stripe's
 * confirmation arrives the gift is being processed, not waiting for the donor — even after an earlier declined card.
 */
export function giftStage(gift: GiftView, onRecord: boolean, paymentSent = false): GiftStage {
  if (onRecord && (gift.status === 'succeeded' || gift.status === 'refunded')) return 'recorded';
  switch (gift.status) {
    case 'pending':
      // A monthly plan stays pending; its first month's success is what the donor waits for.
      if (gift.interval === 'month' && gift.related.some((month) => month.status === 'succeeded'))
        return onRecord ? 'recorded' : 'confirmed';
      return paymentSent ? 'processing' : 'awaiting-payment';
    case 'failed':
      return paymentSent ? 'processing' : 'payment-failed';
    case 'succeeded':
      return 'confirmed';
    case 'held':
      return 'held';
    case 'canceled':
      return 'canceled';
    case 'refunded':
      return 'refunded';
  }
}

/** Stages after which nothing more happens by itself, so the page stops asking. */
export const finalStages: readonly GiftStage[] = ['recorded', 'payment-failed', 'canceled', 'refunded'];

export interface GiftPageData {
  gift: GiftView;
  campaignTitle: string;
  stage: GiftStage;
  receiptCode: string;
  /** The confirmed (first) payment: for a monthly plan, its first month. */
  paid: {
    amount: number;
    currency: string;
    fee: number | null;
    net: number | null;
    settlementCurrency: string;
  } | null;
}

function step(
  state: 'done' | 'current' | 'todo' | 'failed',
  title: string,
  detail: SafeHtml | string,
): SafeHtml {
  return html`<li class="step ${state}"${state === 'current' ? html` aria-current="step"` : ''}><span class="step-title">${title}</span> <span class="step-detail">${detail}</span></li>`;
}

/** The status part of the thank-you page, also served alone for the page script to refresh in place. */
export function giftStatus(page: PageContext, data: GiftPageData, csrfToken: string): SafeHtml {
  const { t, fmt } = page;
  const { stage, gift } = data;
  const order: GiftStage[] = ['awaiting-payment', 'processing', 'recorded'];
  // Confirmed and held are where processing is: the second step, each with its own words.
  const reached = stage === 'held' || stage === 'confirmed' ? 1 : Math.max(0, order.indexOf(stage));
  const state = (index: number) =>
    index < reached || (stage === 'recorded' && index === reached)
      ? 'done'
      : index === reached
        ? 'current'
        : 'todo';
  const money = (amount: number, currency: string) => fmt.money(amount, currency);
  const paidDetail =
    data.paid?.fee !== null && data.paid?.fee !== undefined && data.paid.net !== null
      ? t('web.gift.confirmedDetail', {
          fee: money(data.paid.fee, data.paid.settlementCurrency),
          net: money(data.paid.net, data.paid.settlementCurrency),
        })
      : t('web.gift.confirmedWaiting');
  const traceButton = html`<form method="post" action="/trace" class="inline-form"><input type="hidden" name="receiptCode" value="${data.receiptCode}"><button type="submit" class="link-button">${t('web.gift.seeTrace')}</button></form>`;
  let steps: SafeHtml;
  if (stage === 'payment-failed') {
    steps = html`${step('failed', t('web.gift.stagePayment'), html`${t('web.gift.paymentFailed')} <a href="/gifts/${gift.id}/pay">${t('web.gift.tryAgain')}</a>`)}`;
  } else if (stage === 'canceled' || stage === 'refunded') {
    steps = html`${step('done', t('web.gift.stagePayment'), stage === 'canceled' ? t('web.gift.canceled') : t('web.gift.refunded'))}`;
  } else {
    steps = html`${step(reached > 0 ? 'done' : 'current', t('web.gift.stagePayment'), reached > 0 ? t('web.gift.paymentDone') : html`${t('web.gift.paymentWaiting')} <a href="/gifts/${gift.id}/pay">${t('web.gift.payNow')}</a>`)}
${step(stage === 'held' || stage === 'processing' ? 'current' : state(1), t('web.gift.stageConfirmed'), stage === 'held' ? t('web.gift.held') : stage === 'processing' || reached < 1 ? t('web.gift.confirmedLater') : paidDetail)}
${step(state(2), t('web.gift.stageRecorded'), stage === 'recorded' ? html`${t('web.gift.recordedDetail')} ${traceButton}` : t('web.gift.recordedLater'))}`;
  }
  return html`<section id="gift-status" class="gift-status" data-stage="${stage}" data-final="${finalStages.includes(stage) ? 'true' : 'false'}" aria-labelledby="status-heading">
<h2 id="status-heading">${t('web.gift.statusHeading')}</h2>
<ol class="steps">${steps}</ol>
<input type="hidden" id="status-csrf" value="${csrfToken}">
</section>`;
}

export function giftPage(page: PageContext, data: GiftPageData, csrfToken: string): string {
  const { t, fmt } = page;
  const { gift } = data;
  const amount = fmt.money(gift.amount, gift.currency);
  const line =
    gift.interval === 'month'
      ? t('web.gift.summaryMonthly', { amount, campaign: data.campaignTitle })
      : t('web.gift.summaryOnce', { amount, campaign: data.campaignTitle });
  const body = html`<h1>${data.stage === 'payment-failed' || data.stage === 'awaiting-payment' ? t('web.gift.headingPending') : t('web.gift.heading')}</h1>
<p class="lead">${line} <a href="/campaigns/${gift.campaignId}">${t('web.gift.backToCampaign')}</a></p>
<section class="receipt" aria-labelledby="receipt-heading">
<h2 id="receipt-heading">${t('web.gift.receiptHeading')}</h2>
<p><code id="receipt-code" class="receipt-code" dir="ltr">${data.receiptCode}</code></p>
<p class="receipt-actions"><button type="button" id="copy-code" class="secondary" data-copied="${t('web.gift.copied')}" hidden>${t('web.gift.copy')}</button>
<a href="/gifts/${gift.id}/receipt.txt" download="receipt-${gift.publicRef}.txt" class="button secondary">${t('web.gift.save')}</a></p>
<p class="hint">${t('web.gift.receiptExplained')}</p>
<p id="copy-status" class="visually-hidden" role="status"></p>
</section>
${giftStatus(page, data, csrfToken)}
${gift.interval === 'month' ? html`<p>${t('web.gift.monthlyManage')} <a href="/gifts/manage">${t('web.gift.monthlyManageLink')}</a></p>` : ''}
<p class="hint">${t('web.gift.emailNote')}</p>`;
  return layout(page, t('web.gift.title'), body, moduleScript('gift-status'));
}

/** The receipt as a small text file the donor keeps: the code, what it opens, and where. */
export function receiptFile(page: PageContext, gift: GiftView, receiptCode: string, siteUrl: string): string {
  const { t, fmt } = page;
  const amount = fmt.money(gift.amount, gift.currency);
  return [
    t('web.gift.fileTitle'),
    '',
    `${t('web.gift.receiptHeading')}: ${receiptCode}`,
    gift.interval === 'month'
      ? t('web.gift.fileMonthly', { amount, date: fmt.date(gift.createdAt) })
      : t('web.gift.fileOnce', { amount, date: fmt.date(gift.createdAt) }),
    t('web.gift.fileReference', { reference: gift.publicRef }),
    '',
    t('web.gift.fileTrace', { url: new URL('/trace', siteUrl).href }),
    ...(gift.interval === 'month'
      ? [t('web.gift.fileManage', { url: new URL('/gifts/manage', siteUrl).href })]
      : []),
    t('web.gift.fileKeep'),
    '',
  ].join('\r\n');
}

/** The thank-you page in another browser or after the cookie is gone: the code is not here, where to go instead. */
export function giftElsewherePage(page: PageContext): string {
  const { t } = page;
  return layout(
    page,
    t('web.gift.elsewhereTitle'),
    html`<h1>${t('web.gift.elsewhereTitle')}</h1><p>${t('web.gift.elsewhere')}</p><p><a href="/trace">${t('web.layout.navTrace')}</a> · <a href="/gifts/manage">${t('web.manage.heading')}</a></p>`,
  );
}

export type ManageProblem = 'malformed' | 'unknown' | 'rate-limited' | 'unavailable' | 'expired' | null;

function manageForm(page: PageContext, csrfToken: string, problem: ManageProblem): SafeHtml {
  const { t } = page;
  const message =
    problem === 'malformed'
      ? t('web.trace.malformed')
      : problem === 'unknown'
        ? t('web.manage.unknown')
        : problem === 'rate-limited'
          ? t('web.manage.rateLimited')
          : problem === 'unavailable'
            ? t('web.pay.unavailable')
            : problem === 'expired'
              ? t('web.give.formExpired')
              : '';
  return html`<form method="post" action="/gifts/manage" class="trace-form">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="receiptCode">${t('web.trace.codeLabel')}</label>
<input id="receiptCode" name="receiptCode" autocomplete="off" required minlength="16" maxlength="128" spellcheck="false" dir="ltr"${message ? html` aria-invalid="true" aria-describedby="manage-error"` : ''}>
<button type="submit">${t('web.manage.open')}</button>
${message ? html`<p role="alert" class="error" id="manage-error">${message}</p>` : ''}
</form>`;
}

export function manageFormPage(page: PageContext, csrfToken: string, problem: ManageProblem = null): string {
  const { t } = page;
  return layout(
    page,
    t('web.manage.title'),
    html`<h1>${t('web.manage.heading')}</h1><p>${t('web.manage.intro')}</p>${manageForm(page, csrfToken, problem)}<p class="meta">${t('web.trace.privacy')}</p>`,
  );
}

/** The gifts of a receipt code, a monthly plan with the button that stops it. */
export function manageGiftsPage(
  page: PageContext,
  data: {
    gifts: ReceiptGift[];
    receiptCode: string;
    titles: Map<string, string>;
    csrfToken: string;
    notice: 'stopped' | 'stop-failed' | null;
  },
): string {
  const { t, fmt } = page;
  const plans = data.gifts.filter((gift) => gift.interval === 'month' && gift.parentId === null);
  const oneOff = data.gifts.filter((gift) => gift.interval === 'once' && gift.parentId === null);
  const months = (planId: string) =>
    data.gifts.filter((gift) => gift.parentId === planId && gift.status === 'succeeded');
  const title = (campaignId: string) => data.titles.get(campaignId) ?? t('web.campaign.untitled');
  const notice =
    data.notice === 'stopped'
      ? html`<div class="notice" role="status"><p>${t('web.manage.stopped')}</p></div>`
      : data.notice === 'stop-failed'
        ? html`<div class="error-summary" role="alert"><p>${t('web.pay.unavailable')}</p></div>`
        : '';
  const planItems = plans.map((plan) => {
    const given = months(plan.id);
    const amount = fmt.money(plan.amount, plan.currency);
    const active = plan.subscriptionStatus === 'active';
    return html`<li class="card">
<h2><a href="/campaigns/${plan.campaignId}">${title(plan.campaignId)}</a></h2>
<p>${t('web.manage.planLine', { amount, date: fmt.date(plan.createdAt) })}</p>
<p>${t('web.manage.monthsGiven', { count: given.length })}</p>
<p><strong>${active ? t('web.manage.active') : t('web.manage.stoppedState')}</strong></p>
${
  active
    ? html`<form method="post" action="/gifts/manage/cancel">
<input type="hidden" name="csrf" value="${data.csrfToken}">
<input type="hidden" name="receiptCode" value="${data.receiptCode}">
<input type="hidden" name="donationId" value="${plan.id}">
<button type="submit" class="danger">${t('web.manage.stop')}</button>
<p class="hint">${t('web.manage.stopHint')}</p>
</form>`
    : ''
}
</li>`;
  });
  const onceItems = oneOff.map(
    (gift) =>
      html`<li class="card"><h2><a href="/campaigns/${gift.campaignId}">${title(gift.campaignId)}</a></h2><p>${t('web.manage.onceLine', { amount: fmt.money(gift.amount, gift.currency), date: fmt.date(gift.succeededAt ?? gift.createdAt) })}</p></li>`,
  );
  return layout(
    page,
    t('web.manage.title'),
    html`<h1>${t('web.manage.heading')}</h1>
${notice}
<ul class="cards">${planItems}${onceItems}</ul>
<form method="post" action="/trace" class="inline-form"><input type="hidden" name="receiptCode" value="${data.receiptCode}"><button type="submit" class="link-button">${t('web.gift.seeTrace')}</button></form>`,
  );
}
