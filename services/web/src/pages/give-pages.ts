import { countryCodes } from '@aid/contracts';
import { msgKey, type MessageKey } from '@aid/i18n';
import { donorCurrencies, minorUnitExponent } from '@aid/money';
import { presetAmounts } from '../giving/amounts.ts';
import { estimateCardFee, feeParameters } from '../giving/card-fees.ts';
import type { FieldErrors, FieldProblem, GiveFormFields } from '../giving/give-form.ts';
import { testCards, type TestCard } from '../giving/test-mode-payments.ts';
import { html, jsonScript, layout, moduleScript, type SafeHtml } from './html.ts';
import type { PageContext } from './page-context.ts';

/** The campaign as the giving pages show it. */
export interface GivingCampaign {
  id: string;
  title: string;
  organizationName: string;
  /** The currency gifts settle in: the campaign's goal currency. */
  currency: string;
}

const problemKeys: Record<FieldProblem, MessageKey> = {
  'amount-missing': msgKey('web.give.error.amountMissing'),
  'amount-malformed': msgKey('web.give.error.amountMalformed'),
  'amount-decimals': msgKey('web.give.error.amountDecimals'),
  'amount-below-minimum': msgKey('web.give.error.amountBelowMinimum'),
  'amount-above-maximum': msgKey('web.give.error.amountAboveMaximum'),
  'currency-unknown': msgKey('web.give.error.currencyUnknown'),
  'email-missing': msgKey('web.give.error.emailMissing'),
  'email-malformed': msgKey('web.give.error.emailMalformed'),
  'name-needed': msgKey('web.give.error.nameNeeded'),
  'name-malformed': msgKey('web.give.error.nameMalformed'),
  'country-unknown': msgKey('web.give.error.countryUnknown'),
};

/** The currencies a donor may pay in for this campaign: its own first, then the rest by name in the reader's language. */
export function currencyChoices(page: PageContext, settlement: string): string[] {
  const others = donorCurrencies
    .filter((code) => code !== settlement)
    .sort((a, b) => page.fmt.currencyName(a).localeCompare(page.fmt.currencyName(b), page.locale));
  return [settlement, ...others];
}

/** The test-mode label every payment page in test mode carries, so nobody mistakes it for a real payment. */
export function testModeBanner(page: PageContext): SafeHtml {
  return html`<p class="test-mode" role="note"><strong>${page.t('web.pay.testModeLabel')}</strong> ${page.t('web.pay.testModeDetail')}</p>`;
}

export interface GiveFormState {
  currency: string;
  fields: GiveFormFields;
  errors: FieldErrors;
  /** A refusal not tied to one field (the campaign stopped taking gifts, too many attempts, the service is away). */
  formProblem: string | null;
  csrfToken: string;
  idempotencyKey: string;
  testMode: boolean;
}

function fieldError(
  page: PageContext,
  id: string,
  problem: FieldProblem | undefined,
  values: Record<string, string> = {},
): SafeHtml | '' {
  return problem
    ? html`<p class="field-error" id="${id}-error">${page.t(problemKeys[problem], values)}</p>`
    : '';
}

const describedBy = (id: string, problem: unknown, hint?: string) =>
  [problem ? `${id}-error` : '', hint ?? ''].filter(Boolean).join(' ') || null;

function attr(name: string, value: string | null): SafeHtml | '' {
  return value === null ? '' : html` ${name}="${value}"`;
}

/** The give form: amounts in the donor's currency, how often, who they are, and what may be published. */
export function giveFormPage(page: PageContext, campaign: GivingCampaign, state: GiveFormState): string {
  const { t, fmt } = page;
  const { currency, fields, errors } = state;
  const presets = presetAmounts(currency);
  const chosen = fields.amount ?? String(presets[1] ?? '');
  const custom = fields.customAmount ?? '';
  const otherChosen = chosen === 'other' || custom !== '';
  const interval = fields.interval === 'month' ? 'month' : 'once';
  const amountValues = {
    currency: fmt.currencyName(currency),
    decimals: String(minorUnitExponent(currency)),
  };
  const errorList = Object.entries(errors).map(
    ([field, problem]) =>
      html`<li><a href="#${field === 'amount' ? 'customAmount' : field}">${t(problemKeys[problem], amountValues)}</a></li>`,
  );
  const summary =
    errorList.length > 0 || state.formProblem
      ? html`<div class="error-summary" role="alert" tabindex="-1" id="form-problems"><h2>${t('web.give.problemsHeading')}</h2>${state.formProblem ? html`<p>${state.formProblem}</p>` : ''}${errorList.length > 0 ? html`<ul>${errorList}</ul>` : ''}</div>`
      : '';
  const estimate =
    typeof presets[1] === 'number'
      ? feeSentence(page, otherChosen ? null : Number(chosen) || null, currency, campaign.currency)
      : '';
  const countryOptions = (selected: string | undefined) =>
    html`<option value="">${t('web.give.countryNone')}</option>${[...countryCodes]
      .map((code) => ({ code, name: fmt.country(code) }))
      .sort((a, b) => a.name.localeCompare(b.name, page.locale))
      .map(({ code, name }) =>
        code === selected
          ? html`<option value="${code}" selected>${name}</option>`
          : html`<option value="${code}">${name}</option>`,
      )}`;
  const consent = fields.geographyConsent === 'on';
  const body = html`<p class="breadcrumb"><a href="/campaigns/${campaign.id}">${campaign.title}</a></p>
<h1>${t('web.give.heading', { campaign: campaign.title })}</h1>
<p class="meta">${t('web.give.runBy', { organization: campaign.organizationName })}</p>
${state.testMode ? testModeBanner(page) : ''}
${summary}
<form method="get" action="/campaigns/${campaign.id}/give" class="currency-picker" id="currency-picker">
<label for="currency">${t('web.give.currencyLabel')}</label>
<select id="currency" name="currency">${currencyChoices(page, campaign.currency).map((code) =>
    code === currency
      ? html`<option value="${code}" selected>${fmt.currencyName(code)} (${code})</option>`
      : html`<option value="${code}">${fmt.currencyName(code)} (${code})</option>`,
  )}</select>
<button type="submit" class="secondary">${t('web.give.currencyChange')}</button>
</form>
${currency !== campaign.currency ? html`<p class="hint">${t('web.give.converted', { yours: fmt.currencyName(currency), campaign: fmt.currencyName(campaign.currency) })}</p>` : ''}
<form method="post" action="/campaigns/${campaign.id}/give" class="give-form" id="give-form" novalidate>
<input type="hidden" name="csrf" value="${state.csrfToken}">
<input type="hidden" name="idempotencyKey" value="${state.idempotencyKey}">
<input type="hidden" name="currency" value="${currency}">
<fieldset class="choices">
<legend>${t('web.give.howOften')}</legend>
<label><input type="radio" name="interval" value="once"${interval === 'once' ? html` checked` : ''}> ${t('web.give.once')}</label>
<label><input type="radio" name="interval" value="month"${interval === 'month' ? html` checked` : ''}> ${t('web.give.monthly')}</label>
</fieldset>
<fieldset class="amounts"${attr('aria-describedby', describedBy('customAmount', errors.amount))}>
<legend>${t('web.give.amountLegend', { currency: fmt.currencyName(currency) })}</legend>
<div class="presets">${presets.map((amount) => {
    const checked = !otherChosen && chosen === String(amount);
    return html`<label class="preset"><input type="radio" name="amount" value="${amount}"${checked ? html` checked` : ''}><span>${fmt.money(amount, currency)}</span></label>`;
  })}
<label class="preset"><input type="radio" name="amount" value="other" id="amount-other"${otherChosen ? html` checked` : ''}><span>${t('web.give.otherAmount')}</span></label></div>
<label for="customAmount">${t('web.give.customLabel', { currency })}</label>
<input id="customAmount" name="customAmount" inputmode="decimal" autocomplete="transaction-amount" value="${custom}" dir="ltr"${attr('aria-invalid', errors.amount ? 'true' : null)}${attr('aria-describedby', describedBy('customAmount', errors.amount))}>
${fieldError(page, 'customAmount', errors.amount, amountValues)}
</fieldset>
<p class="fee-estimate" id="fee-estimate" aria-live="polite">${estimate}</p>
<fieldset>
<legend>${t('web.give.aboutYou')}</legend>
<label for="email">${t('web.give.emailLabel')}</label>
<p class="hint" id="email-hint">${t('web.give.emailHint')}</p>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${fields.email ?? ''}" dir="ltr"${attr('aria-invalid', errors.email ? 'true' : null)}${attr('aria-describedby', describedBy('email', errors.email, 'email-hint'))}>
${fieldError(page, 'email', errors.email)}
<label for="name">${t('web.give.nameLabel')}</label>
<input id="name" name="name" autocomplete="name" maxlength="100" value="${fields.name ?? ''}"${attr('aria-invalid', errors.name ? 'true' : null)}${attr('aria-describedby', describedBy('name', errors.name))}>
${fieldError(page, 'name', errors.name)}
<label class="check"><input type="checkbox" name="showName" id="showName"${fields.showName === 'on' ? html` checked` : ''}> ${t('web.give.showName')}</label>
<p class="hint">${t('web.give.showNameHint')}</p>
</fieldset>
<details class="geography"${consent || errors.countryOfResidence || errors.countryOfHeritage ? html` open` : ''}>
<summary>${t('web.give.geographySummary')}</summary>
<p class="hint">${t('web.give.geographyExplained')}</p>
<label class="check"><input type="checkbox" name="geographyConsent" id="geographyConsent"${consent ? html` checked` : ''}> ${t('web.give.geographyConsent')}</label>
<label for="countryOfResidence">${t('web.give.residence')}</label>
<select id="countryOfResidence" name="countryOfResidence"${attr('aria-describedby', describedBy('countryOfResidence', errors.countryOfResidence))}>${countryOptions(fields.countryOfResidence)}</select>
${fieldError(page, 'countryOfResidence', errors.countryOfResidence)}
<label for="countryOfHeritage">${t('web.give.heritage')}</label>
<select id="countryOfHeritage" name="countryOfHeritage"${attr('aria-describedby', describedBy('countryOfHeritage', errors.countryOfHeritage))}>${countryOptions(fields.countryOfHeritage)}</select>
${fieldError(page, 'countryOfHeritage', errors.countryOfHeritage)}
</details>
<p class="hint">${t('web.give.publicNote')}</p>
<button type="submit" class="give" id="give-button">${t('web.give.continue')}</button>
</form>
${jsonScript('give-data', {
  currency,
  exponent: minorUnitExponent(currency),
  locale: page.locale,
  fees: feeParameters(campaign.currency),
  messages: {
    same: t('web.give.feeSame', { fee: '{fee}', amount: '{amount}', reaches: '{reaches}' }),
    converted:
      fixedPartOf(page, campaign.currency) === null
        ? t('web.give.feeConvertedNoFixed', { percent: '{percent}' })
        : t('web.give.feeConverted', { percent: '{percent}', fixed: '{fixed}' }),
    pick: t('web.give.feePick'),
  },
})}`;
  return layout(page, t('web.give.title', { campaign: campaign.title }), body, moduleScript('give'));
}

function fixedPartOf(page: PageContext, settlement: string): string | null {
  const { fixed } = feeParameters(settlement);
  return fixed === null ? null : page.fmt.money(fixed, settlement);
}

/** The fee sentence for an amount (null: none chosen yet), honest about what is an estimate. */
export function feeSentence(
  page: PageContext,
  amount: number | null,
  currency: string,
  settlement: string,
): string {
  const { t, fmt } = page;
  if (amount === null) return t('web.give.feePick');
  const estimate = estimateCardFee(amount, currency, settlement);
  if (estimate.fee !== null && estimate.reaches !== null) {
    return t('web.give.feeSame', {
      fee: fmt.money(estimate.fee, currency),
      amount: fmt.money(amount, currency),
      reaches: fmt.money(estimate.reaches, currency),
    });
  }
  const percent = fmt.percent(estimate.percent);
  const fixed = fixedPartOf(page, settlement);
  return fixed === null
    ? t('web.give.feeConvertedNoFixed', { percent })
    : t('web.give.feeConverted', { percent, fixed });
}

const cardKeys: Record<TestCard, { label: MessageKey; detail: MessageKey }> = {
  pm_card_visa: { label: msgKey('web.pay.card.visa'), detail: msgKey('web.pay.card.visaDetail') },
  pm_card_chargeDeclined: {
    label: msgKey('web.pay.card.declined'),
    detail: msgKey('web.pay.card.declinedDetail'),
  },
  pm_card_authenticationRequired: {
    label: msgKey('web.pay.card.authentication'),
    detail: msgKey('web.pay.card.authenticationDetail'),
  },
};

export interface PayPageData {
  campaign: GivingCampaign;
  donationId: string;
  amount: number;
  currency: string;
  interval: 'once' | 'month';
  problem: 'declined' | 'authentication-failed' | 'unavailable' | null;
}

function giftLine(page: PageContext, data: PayPageData): string {
  const amount = page.fmt.money(data.amount, data.currency);
  return data.interval === 'month'
    ? page.t('web.pay.giftMonthly', { amount, campaign: data.campaign.title })
    : page.t('web.pay.giftOnce', { amount, campaign: data.campaign.title });
}

function payProblem(page: PageContext, problem: PayPageData['problem']): SafeHtml | '' {
  if (problem === null) return '';
  const message =
    problem === 'declined'
      ? page.t('web.pay.declined')
      : problem === 'authentication-failed'
        ? page.t('web.pay.authenticationFailed')
        : page.t('web.pay.unavailable');
  return html`<div class="error-summary" role="alert" tabindex="-1" id="pay-problem"><p>${message}</p></div>`;
}

/** Test mode's payment step: Stripe's test cards to choose from, confirmed by the server. */
export function testPayPage(
  page: PageContext,
  data: PayPageData,
  csrfToken: string,
  chosen: TestCard = 'pm_card_visa',
): string {
  const { t, fmt } = page;
  const body = html`<h1>${t('web.pay.heading')}</h1>
<p>${giftLine(page, data)}</p>
${testModeBanner(page)}
${payProblem(page, data.problem)}
<form method="post" action="/gifts/${data.donationId}/pay" class="pay-form" id="pay-form">
<input type="hidden" name="csrf" value="${csrfToken}">
<fieldset class="cards">
<legend>${t('web.pay.chooseTestCard')}</legend>
${testCards.map(
  (card) =>
    html`<label class="test-card"><input type="radio" name="card" value="${card}"${card === chosen ? html` checked` : ''}><span><strong>${t(cardKeys[card].label)}</strong><span class="hint">${t(cardKeys[card].detail)}</span></span></label>`,
)}
</fieldset>
<button type="submit" class="give" id="pay-button">${t('web.pay.payButton', { amount: fmt.money(data.amount, data.currency) })}</button>
</form>
<p class="hint">${t('web.pay.afterwards')}</p>`;
  return layout(page, t('web.pay.title'), body, moduleScript('give'));
}

/** The production payment step: Stripe's Payment Element, loaded from Stripe, confirming in the browser. */
export function stripePayPage(
  page: PageContext,
  data: PayPageData,
  stripe: { publishableKey: string; clientSecret: string; returnUrl: string },
): string {
  const { t, fmt } = page;
  const body = html`<h1>${t('web.pay.heading')}</h1>
<p>${giftLine(page, data)}</p>
${payProblem(page, data.problem)}
<form id="stripe-pay-form" class="pay-form">
<div id="payment-element" class="payment-element"><p class="hint">${t('web.pay.loadingCardForm')}</p></div>
<p id="pay-error" class="field-error" role="alert"></p>
<button type="submit" class="give" id="pay-button" disabled>${t('web.pay.payButton', { amount: fmt.money(data.amount, data.currency) })}</button>
</form>
<noscript><p class="error">${t('web.pay.needsScript')}</p></noscript>
<p class="hint">${t('web.pay.stripeNote')}</p>
${jsonScript('stripe-pay', { publishableKey: stripe.publishableKey, clientSecret: stripe.clientSecret, returnUrl: stripe.returnUrl, locale: page.locale, messages: { failed: t('web.pay.unavailable') } })}`;
  return layout(
    page,
    t('web.pay.title'),
    body,
    html`<script src="https://js.stripe.com/v3/"></script>${moduleScript('pay-stripe')}`,
  );
}
