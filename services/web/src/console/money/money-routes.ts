import { randomUUID } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { parseAmount } from '../../giving/amounts.ts';
import { MultipartFormRefused, readMultipartForm } from '../../http/multipart-form.ts';
import { pageOf } from '../../locale.ts';
import type { PageContext } from '../../pages/page-context.ts';
import type { ConsoleApis, ConsoleDeps } from '../console-app.ts';
import { consoleForm, forgedPage, formField, sendPage } from '../console-kit.ts';
import { sessionOf } from '../console-session.ts';
import { allPages, disbursementsCsv, sendCsv } from '../exports.ts';
import { ConsoleServiceProblem } from '../service-api.ts';
import { moneyCalls, type Disbursement } from './money-api.ts';
import {
  campaignMoneyPage,
  disbursementPage,
  isMoneyDone,
  moneyOverviewPage,
  requestFormPage,
  type DeliveryField,
  type DeliveryFormState,
  type DisbursementView,
  type MoneyDone,
  type RefundFormState,
  type RequestField,
  type RequestFormState,
} from './money-pages.ts';

/** The disbursement service's evidence limit (its default): a larger file is refused here before it is sent on. */
const evidenceLimitBytes = 10 * 1024 * 1024;
const overviewPerCampaign = 5;
const campaignPageSize = 20;

/** A form's random value, as the page made it; anything else gets a fresh one (it only ever names a retry). */
function formKeyOf(value: string | undefined): string {
  return value !== undefined && /^[0-9a-f-]{36}$/.test(value) ? value : randomUUID();
}

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
const pathId = (request: Request) => {
  const id = String(request.params.id);
  return idPattern.test(id) ? id : encodeURIComponent(id);
};

/** A refusal the console can show beside its form; anything else (401, outages) goes to the app's error handler. */
function shownRefusal(error: unknown): ConsoleServiceProblem {
  if (error instanceof ConsoleServiceProblem && error.status !== 401) return error;
  throw error;
}

/**
 * Active campaigns are public, so the campaign service shows anyone's; the money pages are for the campaign's
 * own organization only, and another's answers as the services do: not found.
 */
function ownCampaign<T extends { organizationId: string }>(
  page: PageContext,
  session: { organizationId: string },
  campaign: T,
): T {
  if (campaign.organizationId !== session.organizationId)
    throw new ConsoleServiceProblem(404, 'campaign-not-found', page.t('console.money.notYours'));
  return campaign;
}

/**
 * The money part of the console: each campaign's funds account and disbursements, requesting, approving or
 * rejecting (maker-checker), paying out, cancelling, reporting deliveries with evidence, and refunding gifts.
 * Every action is the disbursement or donation service's own endpoint called as the person; forms that change
 * money send an Idempotency-Key from a random value in the form, so a double submit counts once.
 */
export function registerMoneyConsole(app: Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { sessions, forms, apis } = deps;
  const signedIn = sessions.required();
  const calls = moneyCalls(apis);

  app.get('/console/money', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const campaigns = await calls.campaigns(session);
    const money = await Promise.all(
      campaigns.map(async (campaign) => {
        const [funds, listed] = await Promise.all([
          calls.funds(session, campaign.id),
          calls.disbursements(session, campaign.id, { limit: overviewPerCampaign }),
        ]);
        return { campaign, funds, disbursements: listed.disbursements, more: listed.next !== null };
      }),
    );
    sendPage(
      response,
      200,
      moneyOverviewPage(pageOf(response), session, forms.token(request, response), money),
    );
  });

  async function showCampaign(
    request: Request,
    response: Response,
    status: number,
    extra: { refund?: RefundFormState; done?: string } = {},
  ): Promise<void> {
    const session = sessionOf(response);
    const id = pathId(request);
    const after =
      typeof request.query.after === 'string' && idPattern.test(request.query.after)
        ? request.query.after
        : undefined;
    const campaign = ownCampaign(pageOf(response), session, await calls.campaign(session, id));
    const [funds, listed] = await Promise.all([
      calls.funds(session, campaign.id),
      calls.disbursements(session, campaign.id, { limit: campaignPageSize, after }),
    ]);
    sendPage(
      response,
      status,
      campaignMoneyPage(pageOf(response), session, forms.token(request, response), {
        campaign,
        funds,
        disbursements: listed.disbursements,
        more: listed.next !== null,
        next: listed.next,
        first: after === undefined,
        done: extra.done,
        refund: extra.refund,
      }),
    );
  }

  // Every disbursement of the campaign as a spreadsheet, for the treasurer's books and the organization's reports.
  app.get('/console/money/campaigns/:id/disbursements.csv', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const id = pathId(request);
    await calls.campaign(session, id);
    const [disbursements, organization] = await Promise.all([
      allPages(async (after) => {
        const page = await calls.disbursements(session, id, { limit: 100, after });
        return { items: page.disbursements, next: page.next };
      }),
      calls.organization(session),
    ]);
    const { filename, csv } = disbursementsCsv(
      id,
      disbursements,
      new Map(organization.members.map((member) => [member.id, member.name])),
    );
    sendCsv(response, filename, csv);
  });

  app.get('/console/money/campaigns/:id', signedIn, (request, response) => {
    const page = pageOf(response);
    const refunded = request.query.done === 'refunded' ? refundedNotice(page, request.query) : undefined;
    return showCampaign(request, response, 200, refunded ? { done: refunded } : {});
  });

  // ---- requesting a disbursement ----

  const emptyRequest = (): RequestFormState => ({
    values: { amount: '', recipientName: '', recipientCountry: '', purpose: '', sector: '', local: true },
    errors: {},
    formKey: randomUUID(),
  });

  app.get('/console/money/campaigns/:id/request', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const campaign = ownCampaign(pageOf(response), session, await calls.campaign(session, pathId(request)));
    const funds = await calls.funds(session, campaign.id);
    sendPage(
      response,
      200,
      requestFormPage(
        pageOf(response),
        session,
        forms.token(request, response),
        campaign,
        funds,
        emptyRequest(),
      ),
    );
  });

  app.post('/console/money/campaigns/:id/request', signedIn, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    const session = sessionOf(response);
    const csrfToken = forms.token(request, response);
    const id = pathId(request);
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, forgedPage(page, session, csrfToken, `/console/money/campaigns/${id}`));
    const campaign = ownCampaign(page, session, await calls.campaign(session, id));
    const currency = campaign.goal.currency;
    const state: RequestFormState = {
      values: {
        amount: formField(request, 'amount'),
        recipientName: formField(request, 'recipientName'),
        recipientCountry: formField(request, 'recipientCountry').toUpperCase(),
        purpose: formField(request, 'purpose'),
        sector: formField(request, 'sector'),
        local: formField(request, 'local') === 'yes',
      },
      errors: {},
      formKey: formKeyOf(formField(request, 'formKey')),
    };
    const amount = parseAmount(state.values.amount, currency);
    if (typeof amount !== 'number' || amount <= 0)
      state.errors.amount =
        state.values.amount === '' ? t('console.money.form.required') : t('console.money.form.amountInvalid');
    for (const field of ['recipientName', 'purpose', 'sector'] as const)
      if (state.values[field] === '') state.errors[field] = t('console.money.form.required');
    if (!/^[A-Z]{2}$/.test(state.values.recipientCountry))
      state.errors.recipientCountry = t('console.money.form.countryInvalid');
    const again = async (status: number) =>
      sendPage(
        response,
        status,
        requestFormPage(page, session, csrfToken, campaign, await calls.funds(session, campaign.id), state),
      );
    if (Object.keys(state.errors).length > 0 || typeof amount !== 'number') return again(400);
    try {
      const created = await apis.disbursement<Disbursement>(session, '/v1/disbursements', {
        json: {
          campaignId: campaign.id,
          amount,
          currency,
          recipient: {
            name: state.values.recipientName,
            country: state.values.recipientCountry,
            local: state.values.local,
          },
          purpose: state.values.purpose,
          sector: state.values.sector,
        },
        idempotencyKey: `console-request-${state.formKey}`,
      });
      response.redirect(303, `/console/money/disbursements/${created.id}?done=requested`);
    } catch (error) {
      const refusal = shownRefusal(error);
      const field = requestFieldOf(refusal.field);
      if (field) state.errors[field] = refusal.detail;
      else state.problem = t('console.money.refusedBy', { detail: refusal.detail });
      return again(refusal.status);
    }
  });

  // ---- one disbursement ----

  async function showDisbursement(
    request: Request,
    response: Response,
    status: number,
    extra: Pick<DisbursementView, 'done' | 'problem' | 'delivery'> = {},
  ): Promise<void> {
    const session = sessionOf(response);
    const disbursement = await calls.disbursement(session, pathId(request));
    const [campaign, organization] = await Promise.all([
      calls.campaign(session, disbursement.campaignId),
      calls.organization(session),
    ]);
    const names = new Map(organization.members.map((member) => [member.id, member.name]));
    const view: DisbursementView = { disbursement, campaign, names, formKey: randomUUID(), ...extra };
    sendPage(
      response,
      status,
      disbursementPage(pageOf(response), session, forms.token(request, response), view),
    );
  }

  app.get('/console/money/disbursements/:id', signedIn, (request, response) => {
    const done: MoneyDone | undefined = isMoneyDone(request.query.done) ? request.query.done : undefined;
    return showDisbursement(request, response, 200, done ? { done } : {});
  });

  /** A change of the disbursement by one service call; its refusal is shown on the disbursement's page. */
  async function change(
    request: Request,
    response: Response,
    action: 'approve' | 'reject' | 'payout' | 'cancel',
    json: Record<string, unknown>,
    done: MoneyDone,
  ) {
    const session = sessionOf(response);
    const id = pathId(request);
    try {
      await apis.disbursement(session, `/v1/disbursements/${id}/${action}`, {
        json,
        idempotencyKey: `console-${action}-${formKeyOf(formField(request, 'formKey'))}`,
      });
    } catch (error) {
      return showDisbursement(request, response, shownRefusal(error).status, {
        problem: (error as ConsoleServiceProblem).detail,
      });
    }
    response.redirect(303, `/console/money/disbursements/${id}?done=${done}`);
  }

  const refusedUnlessForm = (request: Request, response: Response): boolean => {
    if (forms.accepts(request, formField(request, 'csrf'))) return false;
    const session = sessionOf(response);
    sendPage(
      response,
      403,
      forgedPage(
        pageOf(response),
        session,
        forms.token(request, response),
        `/console/money/disbursements/${pathId(request)}`,
      ),
    );
    return true;
  };

  app.post('/console/money/disbursements/:id/decide', signedIn, consoleForm, async (request, response) => {
    if (refusedUnlessForm(request, response)) return;
    const approve = formField(request, 'decision') !== 'reject';
    await change(
      request,
      response,
      approve ? 'approve' : 'reject',
      { comment: formField(request, 'comment') },
      approve ? 'approved' : 'rejected',
    );
  });

  app.post('/console/money/disbursements/:id/payout', signedIn, consoleForm, async (request, response) => {
    if (refusedUnlessForm(request, response)) return;
    const reference = formField(request, 'reference');
    if (reference === '')
      return showDisbursement(request, response, 400, {
        problem: pageOf(response).t('console.money.payout.referenceMissing'),
      });
    await change(request, response, 'payout', { method: 'manual', reference }, 'paid');
  });

  app.post('/console/money/disbursements/:id/cancel', signedIn, consoleForm, async (request, response) => {
    if (refusedUnlessForm(request, response)) return;
    await change(request, response, 'cancel', { comment: formField(request, 'comment') }, 'cancelled');
  });

  app.post('/console/money/disbursements/:id/deliveries', signedIn, async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    const session = sessionOf(response);
    const id = pathId(request);
    let form;
    try {
      form = await readMultipartForm(request, { fileBytes: evidenceLimitBytes, files: 1, fields: 10 });
    } catch (error) {
      // Nothing is sent on from a form that could not be read; the person is told what to change.
      if (error instanceof MultipartFormRefused && error.reason === 'too-large') {
        const delivery: DeliveryFormState = {
          values: { deliveredOn: '', beneficiaries: '', description: '', country: '', area: '' },
          errors: { evidence: t('console.money.delivery.tooLarge') },
          formKey: randomUUID(),
        };
        return showDisbursement(request, response, 413, { delivery });
      }
      throw error;
    }
    if (!forms.accepts(request, form.fields['csrf']))
      return sendPage(
        response,
        403,
        forgedPage(page, session, forms.token(request, response), `/console/money/disbursements/${id}`),
      );
    const field = (name: string) => (form.fields[name] ?? '').trim();
    const delivery: DeliveryFormState = {
      values: {
        deliveredOn: field('deliveredOn'),
        beneficiaries: field('beneficiaries'),
        description: field('description'),
        country: field('country').toUpperCase(),
        area: field('area'),
      },
      errors: {},
      formKey: formKeyOf(field('formKey')),
    };
    const deliveredAt = deliveredAtOf(delivery.values.deliveredOn);
    if (!deliveredAt) delivery.errors.deliveredOn = t('console.money.delivery.dateInvalid');
    if (!/^\d{1,10}$/.test(delivery.values.beneficiaries))
      delivery.errors.beneficiaries = t('console.money.delivery.beneficiariesInvalid');
    if (delivery.values.description === '') delivery.errors.description = t('console.money.form.required');
    if (delivery.values.area === '') delivery.errors.area = t('console.money.form.required');
    if (!/^[A-Z]{2}$/.test(delivery.values.country))
      delivery.errors.country = t('console.money.form.countryInvalid');
    if (Object.keys(delivery.errors).length > 0 || !deliveredAt)
      return showDisbursement(request, response, 400, { delivery });
    const file = form.files.find((candidate) => candidate.field === 'evidence' && candidate.bytes.length > 0);
    try {
      const evidence = [];
      if (file) {
        // The file first, kept private by the service; the report then names it, and the service puts its hash on the record.
        const query = file.filename ? `?name=${encodeURIComponent(file.filename.slice(0, 200))}` : '';
        const stored = await apis.disbursement<{ id: string; sha256: string }>(
          session,
          `/v1/disbursements/${id}/evidence${query}`,
          {
            bytes: { body: file.bytes, contentType: file.contentType },
            idempotencyKey: `console-evidence-${delivery.formKey}`,
          },
        );
        evidence.push({ evidenceId: stored.id });
      }
      await apis.disbursement(session, `/v1/disbursements/${id}/deliveries`, {
        json: {
          deliveredAt,
          beneficiaries: Number(delivery.values.beneficiaries),
          description: delivery.values.description,
          location: { country: delivery.values.country, area: delivery.values.area },
          evidence,
        },
        idempotencyKey: `console-delivery-${delivery.formKey}`,
      });
    } catch (error) {
      const refusal = shownRefusal(error);
      const named = deliveryFieldOf(refusal.field);
      if (named)
        return showDisbursement(request, response, refusal.status, {
          delivery: { ...delivery, errors: { [named]: refusal.detail } },
        });
      return showDisbursement(request, response, refusal.status, { delivery, problem: refusal.detail });
    }
    response.redirect(303, `/console/money/disbursements/${id}?done=delivered`);
  });

  // ---- refunds of gifts (admins) ----

  app.post('/console/money/campaigns/:id/refund', signedIn, consoleForm, async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    const session = sessionOf(response);
    const id = pathId(request);
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(
        response,
        403,
        forgedPage(page, session, forms.token(request, response), `/console/money/campaigns/${id}`),
      );
    const refund: RefundFormState = {
      formKey: formKeyOf(formField(request, 'formKey')),
      values: {
        donationId: formField(request, 'donationId'),
        amount: formField(request, 'amount'),
        currency: formField(request, 'currency').toUpperCase(),
        reason: formField(request, 'reason'),
      },
      errors: {},
    };
    if (!idPattern.test(refund.values.donationId))
      refund.errors.donationId = t('console.money.refund.donationIdInvalid');
    let amount: number | undefined;
    if (refund.values.amount !== '') {
      const parsed = /^[A-Z]{3}$/.test(refund.values.currency)
        ? parseAmount(refund.values.amount, refund.values.currency)
        : 'malformed';
      if (typeof parsed === 'number' && parsed > 0) amount = parsed;
      else if (!/^[A-Z]{3}$/.test(refund.values.currency))
        refund.errors.currency = t('console.money.refund.currencyInvalid');
      else refund.errors.amount = t('console.money.form.amountInvalid');
    }
    if (Object.keys(refund.errors).length > 0) return showCampaign(request, response, 400, { refund });
    try {
      const answered = await apis.donation<{ amount: number; currency: string }>(
        session,
        `/v1/donations/${refund.values.donationId}/refund`,
        {
          json: {
            ...(amount === undefined ? {} : { amount, currency: refund.values.currency }),
            ...(refund.values.reason ? { reason: refund.values.reason } : {}),
          },
          idempotencyKey: `console-refund-${refund.formKey}`,
          clientAddress: request.ip,
        },
      );
      const query = new URLSearchParams({
        done: 'refunded',
        amount: String(answered.amount),
        currency: answered.currency,
      });
      response.redirect(303, `/console/money/campaigns/${id}?${query.toString()}#refund-heading`);
    } catch (error) {
      const refusal = shownRefusal(error);
      refund.problem = t('console.money.refusedBy', { detail: refusal.detail });
      return showCampaign(request, response, refusal.status, { refund });
    }
  });
}

/** The confirmation of a refund asked for, from the amount the donation service answered (carried in the redirect). */
function refundedNotice(page: PageContext, query: Request['query']): string | undefined {
  const amount =
    typeof query.amount === 'string' && /^\d{1,15}$/.test(query.amount) ? Number(query.amount) : null;
  const currency =
    typeof query.currency === 'string' && /^[A-Z]{3}$/.test(query.currency) ? query.currency : null;
  if (amount === null || currency === null) return undefined;
  return page.t('console.money.refund.done', { amount: page.fmt.money(amount, currency) });
}

/**
 * The moment of a delivery from the date people pick: midday UTC of that day, or now for today (the service
 * refuses moments in the future).
 */
function deliveredAtOf(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T12:00:00Z`))) return null;
  const midday = new Date(`${day}T12:00:00Z`);
  const now = new Date();
  return (midday > now ? now : midday).toISOString();
}

function requestFieldOf(field: string | undefined): RequestField | null {
  if (field === 'amount' || field === 'currency') return 'amount';
  if (field === 'recipient.name') return 'recipientName';
  if (field === 'recipient.country') return 'recipientCountry';
  if (field === 'purpose' || field === 'sector') return field;
  return null;
}

function deliveryFieldOf(field: string | undefined): DeliveryField | null {
  if (field === 'deliveredAt') return 'deliveredOn';
  if (field === 'beneficiaries' || field === 'description') return field;
  if (field === 'location.country') return 'country';
  if (field === 'location.area') return 'area';
  if (field === 'contentType' || field === 'body' || field === 'evidence') return 'evidence';
  return null;
}
