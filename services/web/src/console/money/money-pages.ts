import { randomUUID } from 'node:crypto';
import { msgKey, type MessageKey } from '@aid/i18n';
import { html, type SafeHtml } from '../../pages/html.ts';
import type { PageContext } from '../../pages/page-context.ts';
import { csrfInput, fieldAria, fieldError, notice } from '../console-kit.ts';
import { consoleLayout } from '../console-layout.ts';
import type { ConsoleSession } from '../console-session.ts';
import {
  type Disbursement,
  type DisbursementStatus,
  type FundsAccount,
  type MoneyCampaign,
} from './money-api.ts';

const statusKeys: Record<DisbursementStatus, MessageKey> = {
  requested: msgKey('console.money.status.requested'),
  approving: msgKey('console.money.status.approving'),
  approved: msgKey('console.money.status.approved'),
  paying: msgKey('console.money.status.paying'),
  paid: msgKey('console.money.status.paid'),
  delivered: msgKey('console.money.status.delivered'),
  rejected: msgKey('console.money.status.rejected'),
  cancelling: msgKey('console.money.status.cancelling'),
  cancelled: msgKey('console.money.status.cancelled'),
};

export const moneyDone = ['requested', 'approved', 'rejected', 'paid', 'cancelled', 'delivered'] as const;
export type MoneyDone = (typeof moneyDone)[number];
const doneKeys: Record<MoneyDone, MessageKey> = {
  requested: msgKey('console.money.done.requested'),
  approved: msgKey('console.money.done.approved'),
  rejected: msgKey('console.money.done.rejected'),
  paid: msgKey('console.money.done.paid'),
  cancelled: msgKey('console.money.done.cancelled'),
  delivered: msgKey('console.money.done.delivered'),
};

export function isMoneyDone(value: unknown): value is MoneyDone {
  return typeof value === 'string' && (moneyDone as readonly string[]).includes(value);
}

function statusOf(page: PageContext, status: DisbursementStatus): SafeHtml {
  return html`<span class="status status-${status}">${page.t(statusKeys[status])}</span>`;
}

/** Names of the organization's members by id; a member no longer listed is still named as one. */
export type MemberNames = ReadonlyMap<string, string>;
const nameOf = (page: PageContext, names: MemberNames, id: string) =>
  names.get(id) ?? page.t('console.money.formerMember');

const moneyPage = (
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  title: string,
  body: SafeHtml,
) => consoleLayout(page, session, { title, section: 'money', csrfToken, body });

/** The funds account as a list of figures; the shortfall and what is owed back only when there is any. */
export function fundsFigures(page: PageContext, funds: FundsAccount | null): SafeHtml {
  const { t, fmt } = page;
  if (!funds) return html`<p>${t('console.money.funds.none')}</p>`;
  const money = (amount: number) => fmt.money(amount, funds.currency);
  const figure = (label: string, amount: number) =>
    html`<div><dt>${label}</dt><dd>${money(amount)}</dd></div>`;
  return html`<dl class="figures">
${figure(t('console.money.funds.raised'), funds.raised)}
${figure(t('console.money.funds.fees'), funds.fees)}
${figure(t('console.money.funds.refunded'), funds.refunded)}
${figure(t('console.money.funds.net'), funds.net)}
${figure(t('console.money.funds.allocated'), funds.allocated)}
${figure(t('console.money.funds.paidOut'), funds.paidOut)}
${figure(t('console.money.funds.available'), funds.available)}
${funds.refundShortfall > 0 ? figure(t('console.money.funds.refundShortfall'), funds.refundShortfall) : ''}
${funds.overAllocated > 0 ? figure(t('console.money.funds.overAllocated'), funds.overAllocated) : ''}
</dl>
${funds.refundShortfall > 0 ? html`<p class="hint">${t('console.money.funds.refundShortfall')}: ${t('console.money.funds.shortfallHint')}</p>` : ''}
${funds.overAllocated > 0 ? html`<p class="hint">${t('console.money.funds.overAllocated')}: ${t('console.money.funds.overAllocatedHint')}</p>` : ''}`;
}

export function disbursementTable(page: PageContext, disbursements: readonly Disbursement[]): SafeHtml {
  const { t, fmt } = page;
  if (disbursements.length === 0) return html`<p>${t('console.money.disbursements.none')}</p>`;
  const rows = disbursements.map(
    (d) =>
      html`<tr><th scope="row"><a href="/console/money/disbursements/${d.id}">${d.recipient.name}</a></th><td data-label="${t('console.money.field.amount')}" class="num">${fmt.money(d.amount, d.currency)}</td><td data-label="${t('console.money.field.status')}">${statusOf(page, d.status)}</td><td data-label="${t('console.money.field.requested')}"><time datetime="${d.requestedAt}">${fmt.date(d.requestedAt)}</time></td></tr>`,
  );
  return html`<div class="table-wrap"><table class="stack"><caption class="visually-hidden">${t('console.money.disbursements.heading')}</caption>
<thead><tr><th scope="col">${t('console.money.field.recipient')}</th><th scope="col" class="num">${t('console.money.field.amount')}</th><th scope="col">${t('console.money.field.status')}</th><th scope="col">${t('console.money.field.requested')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

export interface CampaignMoney {
  campaign: MoneyCampaign;
  funds: FundsAccount | null;
  disbursements: Disbursement[];
  more: boolean;
}

/** Every campaign of the organization, drafts too: its funds and its latest disbursements. */
export function moneyOverviewPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  campaigns: readonly CampaignMoney[],
): string {
  const { t } = page;
  const sections = campaigns.map(
    ({ campaign, funds, disbursements, more }) => html`<section aria-labelledby="campaign-${campaign.id}">
<h2 id="campaign-${campaign.id}"><a href="/console/money/campaigns/${campaign.id}">${campaign.title}</a></h2>
${fundsFigures(page, funds)}
<h3>${t('console.money.disbursements.heading')}</h3>
${disbursementTable(page, disbursements)}
${more ? html`<p><a href="/console/money/campaigns/${campaign.id}">${t('console.money.disbursements.all')}</a></p>` : ''}
</section>`,
  );
  return moneyPage(
    page,
    session,
    csrfToken,
    t('console.money.heading'),
    html`<h1>${t('console.money.heading')}</h1>
<p>${t('console.money.intro')}</p>
${campaigns.length === 0 ? html`<p>${t('console.money.noCampaigns')}</p>` : sections}`,
  );
}

export type RefundField = 'donationId' | 'amount' | 'currency' | 'reason';
export interface RefundFormState {
  /** The form's own random value: a second press sends the same Idempotency-Key, so the gift is refunded once. */
  formKey: string;
  values: Record<RefundField, string>;
  errors: Partial<Record<RefundField, string>>;
  problem?: string | undefined;
}

function refundSection(
  page: PageContext,
  campaign: MoneyCampaign,
  csrfToken: string,
  state: RefundFormState,
): SafeHtml {
  const { t } = page;
  const { values, errors } = state;
  return html`<section aria-labelledby="refund-heading">
<h2 id="refund-heading">${t('console.money.refund.heading')}</h2>
<h3>${t('console.money.refund.policyHeading')}</h3>
<ul class="refund-policy">
<li>${t('console.money.refund.policyWho')}</li>
<li>${t('console.money.refund.policyLimit')}</li>
<li>${t('console.money.refund.policyWhy')}</li>
<li>${t('console.money.refund.policyPending')}</li>
<li>${t('console.money.refund.policyBank')}</li>
</ul>
${notice(state.problem, 'problem')}
<form method="post" action="/console/money/campaigns/${campaign.id}/refund" class="console-form" novalidate>
${csrfInput(csrfToken)}
<input type="hidden" name="formKey" value="${state.formKey}">
<label for="donationId">${t('console.money.refund.donationId')}</label>
<p class="hint" id="donationId-hint">${t('console.money.refund.donationIdHint')}</p>
<input id="donationId" name="donationId" value="${values.donationId}" autocomplete="off" spellcheck="false" required${fieldAria('donationId', errors.donationId, 'donationId-hint')}>
${fieldError('donationId', errors.donationId)}
<label for="refund-amount">${t('console.money.refund.amount')}</label>
<p class="hint" id="refund-amount-hint">${t('console.money.refund.amountHint')}</p>
<input id="refund-amount" name="amount" value="${values.amount}" inputmode="decimal" autocomplete="off"${fieldAria('refund-amount', errors.amount, 'refund-amount-hint')}>
${fieldError('refund-amount', errors.amount)}
<label for="refund-currency">${t('console.money.refund.currency')}</label>
<input id="refund-currency" name="currency" value="${values.currency}" maxlength="3" autocomplete="off" spellcheck="false"${fieldAria('refund-currency', errors.currency)}>
${fieldError('refund-currency', errors.currency)}
<label for="refund-reason">${t('console.money.refund.reason')}</label>
<input id="refund-reason" name="reason" value="${values.reason}" maxlength="500"${fieldAria('refund-reason', errors.reason)}>
${fieldError('refund-reason', errors.reason)}
<button type="submit">${t('console.money.refund.submit')}</button>
</form>
</section>`;
}

export interface CampaignMoneyView extends CampaignMoney {
  next: string | null;
  first: boolean;
  done?: string | undefined;
  refund?: RefundFormState | undefined;
}

/**
 * One campaign's money: its account, its disbursements page by page, the way to request one, and refunds (for
 * admins; anyone else who posts one anyway sees the service's refusal there).
 */
export function campaignMoneyPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  view: CampaignMoneyView,
): string {
  const { t } = page;
  const { campaign } = view;
  const mayRequest = session.role === 'admin' || session.role === 'field-officer';
  const refund: RefundFormState = view.refund ?? {
    formKey: randomUUID(),
    values: { donationId: '', amount: '', currency: campaign.goal.currency, reason: '' },
    errors: {},
  };
  return moneyPage(
    page,
    session,
    csrfToken,
    campaign.title,
    html`<p><a href="/console/money">${t('console.money.backToOverview')}</a></p>
<h1>${campaign.title}</h1>
${notice(view.done)}
<section aria-labelledby="funds-heading">
<h2 id="funds-heading">${t('console.money.funds.heading')}</h2>
${fundsFigures(page, view.funds)}
</section>
<section aria-labelledby="disbursements-heading">
<h2 id="disbursements-heading">${t('console.money.disbursements.heading')}</h2>
<p><a href="/console/money/campaigns/${campaign.id}/disbursements.csv" download>${t('console.export.csv')}</a></p>
${mayRequest && campaign.status === 'active' ? html`<p><a class="button-primary" href="/console/money/campaigns/${campaign.id}/request">${t('console.money.request.heading')}</a></p>` : ''}
${disbursementTable(page, view.disbursements)}
<p class="actions">${view.first ? '' : html`<a href="/console/money/campaigns/${campaign.id}">${t('console.money.disbursements.newest')}</a>`}
${view.next ? html`<a href="/console/money/campaigns/${campaign.id}?after=${view.next}">${t('console.money.disbursements.older')}</a>` : ''}</p>
</section>
${session.role === 'admin' || view.refund ? refundSection(page, campaign, csrfToken, refund) : ''}`,
  );
}

export type RequestField = 'amount' | 'recipientName' | 'recipientCountry' | 'purpose' | 'sector';
export interface RequestFormState {
  values: Record<RequestField, string> & { local: boolean };
  errors: Partial<Record<RequestField, string>>;
  problem?: string | undefined;
  /** A random value per form, the Idempotency-Key of what it posts: a double submit counts once. */
  formKey: string;
}

/** Asking for money from a campaign's funds (field officers and admins; the service says so to anyone else). */
export function requestFormPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  campaign: MoneyCampaign,
  funds: FundsAccount | null,
  state: RequestFormState,
): string {
  const { t, fmt } = page;
  const { values, errors } = state;
  const currency = campaign.goal.currency;
  const input = (
    id: RequestField,
    label: string,
    extra: SafeHtml | '',
    hint?: string,
  ) => html`<label for="${id}">${label}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
<input id="${id}" name="${id}" value="${values[id]}"${extra}${fieldAria(id, errors[id], hint ? `${id}-hint` : undefined)}>
${fieldError(id, errors[id])}`;
  const errorCount = Object.keys(errors).length;
  return moneyPage(
    page,
    session,
    csrfToken,
    t('console.money.request.heading'),
    html`<p><a href="/console/money/campaigns/${campaign.id}">${t('console.money.backTo', { title: campaign.title })}</a></p>
<h1>${t('console.money.request.heading')}</h1>
<p>${t('console.money.request.intro', { title: campaign.title })}</p>
${funds ? html`<p>${t('console.money.request.available', { amount: fmt.money(funds.available, funds.currency) })}</p>` : ''}
${errorCount > 0 ? html`<p class="problem" role="alert">${t('console.money.form.fix')}</p>` : ''}
${notice(state.problem, 'problem')}
<form method="post" action="/console/money/campaigns/${campaign.id}/request" class="console-form" novalidate>
${csrfInput(csrfToken)}
<input type="hidden" name="formKey" value="${state.formKey}">
${input('amount', t('console.money.request.amount', { currency }), html` inputmode="decimal" autocomplete="off" required`)}
${input('recipientName', t('console.money.field.recipient'), html` maxlength="200" required`, t('console.money.request.recipientHint'))}
${input('recipientCountry', t('console.money.request.recipientCountry'), html` maxlength="2" autocomplete="off" spellcheck="false" required`, t('console.money.field.countryHint'))}
<label for="local">${t('console.money.request.local')}</label>
<select id="local" name="local"><option value="yes"${values.local ? html` selected` : ''}>${t('console.money.request.localYes')}</option><option value="no"${values.local ? '' : html` selected`}>${t('console.money.request.localNo')}</option></select>
<label for="purpose">${t('console.money.field.purpose')}</label>
<textarea id="purpose" name="purpose" rows="4" maxlength="1000" required${fieldAria('purpose', errors.purpose)}>${values.purpose}</textarea>
${fieldError('purpose', errors.purpose)}
${input('sector', t('console.money.field.sector'), html` maxlength="100" required`, t('console.money.request.sectorHint'))}
<button type="submit">${t('console.money.request.submit')}</button>
</form>`,
  );
}

export type DeliveryField = 'deliveredOn' | 'beneficiaries' | 'description' | 'country' | 'area' | 'evidence';
export interface DeliveryFormState {
  values: Record<Exclude<DeliveryField, 'evidence'>, string>;
  errors: Partial<Record<DeliveryField, string>>;
  formKey: string;
}

export interface DisbursementView {
  disbursement: Disbursement;
  campaign: MoneyCampaign;
  names: MemberNames;
  /** A random value per page load, the Idempotency-Key base of the forms on it. */
  formKey: string;
  done?: MoneyDone | undefined;
  /** The service's refusal of the action just tried, in its own words. */
  problem?: string | undefined;
  delivery?: DeliveryFormState | undefined;
}

function when(page: PageContext, at: string): SafeHtml {
  return html`<time datetime="${at}">${page.fmt.dateTime(at)}</time>`;
}

/** The rule in words: one approver, or as many as the organization asks for at or above the campaign's threshold. */
function approvalRule(
  page: PageContext,
  needed: number,
  threshold: number | null,
  currency: string,
): SafeHtml | '' {
  if (needed === 1) return html`<p class="hint">${page.t('console.money.approval.needsOne')}</p>`;
  if (threshold === null) return '';
  return html`<p class="hint">${page.t('console.money.approval.needsSeveral', { needed, threshold: page.fmt.money(threshold, currency) })}</p>`;
}

function makerChecker(page: PageContext, session: ConsoleSession, view: DisbursementView): SafeHtml {
  const { t } = page;
  const { disbursement: d, campaign, names } = view;
  const needed = d.approvalsNeeded;
  const pending = d.status === 'requested' || d.status === 'approving';
  const person = (id: string) => nameOf(page, names, id);
  const decision = (key: MessageKey, memberId: string, at: string, comment: string, note?: string) =>
    html`<li>${t(key, { name: person(memberId) })} ${when(page, at)}${comment ? html`<br><q>${comment}</q>` : ''}${note ? html`<br>${note}` : ''}</li>`;
  return html`<section aria-labelledby="approval-heading">
<h2 id="approval-heading">${t('console.money.approval.heading')}</h2>
<p>${statusOf(page, d.status)}</p>
<p><strong>${t('console.money.approval.count', { count: d.approvals.length, needed })}</strong></p>
${pending ? approvalRule(page, needed, campaign.approvalThreshold, d.currency) : ''}
<ul>
${decision(msgKey('console.money.approval.requestedBy'), d.requestedBy, d.requestedAt, '')}
${d.approvals.map((approval) => decision(msgKey('console.money.approval.approvedBy'), approval.memberId, approval.at, approval.comment))}
${d.rejection ? decision(msgKey('console.money.approval.rejectedBy'), d.rejection.memberId, d.rejection.at, d.rejection.comment) : ''}
${d.cancellation ? decision(msgKey('console.money.approval.cancelledBy'), d.cancellation.memberId, d.cancellation.at, d.cancellation.comment) : ''}
${d.payout ? decision(msgKey('console.money.approval.paidBy'), d.payout.paidBy, d.payout.paidAt, '', t('console.money.payout.referenceIs', { reference: d.payout.reference })) : ''}
</ul>
${d.requestedBy === session.memberId && pending ? html`<p class="hint">${t('console.money.approval.ownRequest')}</p>` : ''}
</section>`;
}

function actionForm(action: string, csrfToken: string, formKey: string, body: SafeHtml): SafeHtml {
  return html`<form method="post" action="${action}" class="console-form">
${csrfInput(csrfToken)}
<input type="hidden" name="formKey" value="${formKey}">
${body}
</form>`;
}

function actions(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  view: DisbursementView,
): SafeHtml[] {
  const { t } = page;
  const { disbursement: d, formKey } = view;
  const base = `/console/money/disbursements/${d.id}`;
  const role = session.role;
  const out: SafeHtml[] = [];
  if ((role === 'admin' || role === 'approver') && (d.status === 'requested' || d.status === 'approving')) {
    out.push(html`<section aria-labelledby="decide-heading"><h2 id="decide-heading">${t('console.money.decide.heading')}</h2>
${actionForm(
  `${base}/decide`,
  csrfToken,
  formKey,
  html`<label for="decide-comment">${t('console.money.field.comment')}</label>
<textarea id="decide-comment" name="comment" rows="2" maxlength="2000"></textarea>
<div class="actions"><button type="submit" name="decision" value="approve">${t('console.money.decide.approve')}</button>
<button type="submit" name="decision" value="reject" class="button-quiet">${t('console.money.decide.reject')}</button></div>`,
)}</section>`);
  }
  if (role === 'admin' && (d.status === 'approved' || d.status === 'paying')) {
    out.push(html`<section aria-labelledby="payout-heading"><h2 id="payout-heading">${t('console.money.payout.heading')}</h2>
<p class="hint">${t('console.money.payout.hint')}</p>
${actionForm(
  `${base}/payout`,
  csrfToken,
  formKey,
  html`<label for="reference">${t('console.money.payout.reference')}</label>
<input id="reference" name="reference" maxlength="200" autocomplete="off" required>
<button type="submit">${t('console.money.payout.submit')}</button>`,
)}</section>`);
  }
  if ((role === 'admin' || role === 'field-officer') && (d.status === 'paid' || d.status === 'delivered'))
    out.push(deliveryForm(page, csrfToken, view));
  if (
    (role === 'admin' || d.requestedBy === session.memberId) &&
    (d.status === 'requested' || d.status === 'approved' || d.status === 'cancelling')
  ) {
    out.push(html`<section aria-labelledby="cancel-heading"><h2 id="cancel-heading">${t('console.money.cancel.heading')}</h2>
<p class="hint">${t('console.money.cancel.hint')}</p>
${actionForm(
  `${base}/cancel`,
  csrfToken,
  formKey,
  html`<label for="cancel-comment">${t('console.money.field.comment')}</label>
<textarea id="cancel-comment" name="comment" rows="2" maxlength="2000"></textarea>
<button type="submit" class="button-quiet">${t('console.money.cancel.submit')}</button>`,
)}</section>`);
  }
  return out;
}

function deliveryForm(page: PageContext, csrfToken: string, view: DisbursementView): SafeHtml {
  const { t } = page;
  const state: DeliveryFormState = view.delivery ?? {
    values: {
      deliveredOn: new Date().toISOString().slice(0, 10),
      beneficiaries: '',
      description: '',
      country: view.disbursement.recipient.country,
      area: '',
    },
    errors: {},
    formKey: view.formKey,
  };
  const { values, errors } = state;
  const input = (
    id: Exclude<DeliveryField, 'evidence'>,
    label: string,
    extra: SafeHtml | '',
    hint?: string,
  ) => html`<label for="${id}">${label}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
<input id="${id}" name="${id}" value="${values[id]}"${extra}${fieldAria(id, errors[id], hint ? `${id}-hint` : undefined)}>
${fieldError(id, errors[id])}`;
  return html`<section aria-labelledby="delivery-heading"><h2 id="delivery-heading">${t('console.money.delivery.heading')}</h2>
${Object.keys(errors).length > 0 ? html`<p class="problem" role="alert">${t('console.money.form.fix')}</p>` : ''}
<form method="post" action="/console/money/disbursements/${view.disbursement.id}/deliveries" enctype="multipart/form-data" class="console-form" novalidate>
${csrfInput(csrfToken)}
<input type="hidden" name="formKey" value="${state.formKey}">
${input('deliveredOn', t('console.money.delivery.date'), html` type="date" required`)}
${input('beneficiaries', t('console.money.delivery.beneficiaries'), html` inputmode="numeric" autocomplete="off" required`)}
<label for="description">${t('console.money.delivery.description')}</label>
<textarea id="description" name="description" rows="3" maxlength="2000" required${fieldAria('description', errors.description)}>${values.description}</textarea>
${fieldError('description', errors.description)}
${input('country', t('console.money.delivery.country'), html` maxlength="2" autocomplete="off" spellcheck="false" required`, t('console.money.field.countryHint'))}
${input('area', t('console.money.delivery.area'), html` maxlength="200" required`)}
<label for="evidence">${t('console.money.delivery.evidence')}</label>
<p class="hint" id="evidence-hint">${t('console.money.delivery.evidenceHint')}</p>
<input type="file" id="evidence" name="evidence" accept="image/jpeg,image/png,application/pdf,text/csv"${fieldAria('evidence', errors.evidence, 'evidence-hint')}>
${fieldError('evidence', errors.evidence)}
<button type="submit">${t('console.money.delivery.submit')}</button>
</form></section>`;
}

function deliveries(page: PageContext, view: DisbursementView): SafeHtml | '' {
  const { t, fmt } = page;
  const list = view.disbursement.deliveries;
  if (list.length === 0) return '';
  return html`<section aria-labelledby="deliveries-heading"><h2 id="deliveries-heading">${t('console.money.deliveries.heading')}</h2>
${list.map(
  (delivery) => html`<article class="delivery">
<h3><time datetime="${delivery.deliveredAt}">${fmt.date(delivery.deliveredAt)}</time> · ${delivery.location.area}, ${fmt.country(delivery.location.country)}</h3>
<p>${delivery.description}</p>
<dl class="facts">
<div><dt>${t('console.money.delivery.beneficiaries')}</dt><dd>${fmt.number(delivery.beneficiaries)}</dd></div>
<div><dt>${t('console.money.deliveries.reportedBy')}</dt><dd>${nameOf(page, view.names, delivery.reportedBy)} ${when(page, delivery.reportedAt)}</dd></div>
</dl>
<h4>${t('console.money.deliveries.evidence')}</h4>
${
  delivery.evidence.length === 0
    ? html`<p>${t('console.money.deliveries.noEvidence')}</p>`
    : html`<ul class="evidence">${delivery.evidence.map(
        (file) =>
          html`<li>${file.name}<dl class="proof-facts"><div><dt>${t('console.money.deliveries.sha256')}</dt><dd><code dir="ltr">${file.sha256}</code></dd></div></dl></li>`,
      )}</ul>`
}
</article>`,
)}</section>`;
}

/** A disbursement: what it is for, its maker-checker state, and the actions the person's role allows now. */
export function disbursementPage(
  page: PageContext,
  session: ConsoleSession,
  csrfToken: string,
  view: DisbursementView,
): string {
  const { t, fmt } = page;
  const { disbursement: d, campaign } = view;
  const heading = t('console.money.disbursement.heading', {
    amount: fmt.money(d.amount, d.currency),
    recipient: d.recipient.name,
  });
  return moneyPage(
    page,
    session,
    csrfToken,
    heading,
    html`<p><a href="/console/money/campaigns/${campaign.id}">${t('console.money.backTo', { title: campaign.title })}</a></p>
<h1>${heading}</h1>
${view.done ? notice(t(doneKeys[view.done])) : ''}
${view.problem ? html`<p class="problem" role="alert">${t('console.money.refusedBy', { detail: view.problem })}</p>` : ''}
<dl class="facts">
<div><dt>${t('console.money.field.purpose')}</dt><dd>${d.purpose}</dd></div>
<div><dt>${t('console.money.field.sector')}</dt><dd>${d.sector}</dd></div>
<div><dt>${t('console.money.field.recipient')}</dt><dd>${d.recipient.name}, ${fmt.country(d.recipient.country)} · ${d.recipient.local ? t('console.money.disbursement.local') : t('console.money.disbursement.notLocal')}</dd></div>
</dl>
${makerChecker(page, session, view)}
${deliveries(page, view)}
${actions(page, session, csrfToken, view)}
${
  d.allocations.length > 0
    ? html`<section aria-labelledby="allocations-heading"><h2 id="allocations-heading">${t('console.money.allocations.heading')}</h2>
<p class="hint">${t('console.money.allocations.hint')}</p>
<ul>${d.allocations.map((allocation) => html`<li><code dir="ltr">${allocation.donationId}</code> · ${fmt.money(allocation.amount, d.currency)}</li>`)}</ul></section>`
    : ''
}`,
  );
}
