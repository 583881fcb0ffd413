import { randomUUID } from 'node:crypto';
import type { Logger } from '@aid/telemetry';
import { isDonorCurrency } from '@aid/money';
import express, { type Express, type Request, type Response } from 'express';
import type { CampaignClient } from '../campaign-client.ts';
import {
  DonationServiceUnavailable,
  type DonationClient,
  type DonationProblem,
  type GiftView,
} from '../donation-client.ts';
import type { FormGuard } from '../http/form-guard.ts';
import { LedgerRateLimited, LedgerUnavailable, NotOnLedger, type LedgerClient } from '../ledger-client.ts';
import { pageOf } from '../locale.ts';
import {
  giveFormPage,
  stripePayPage,
  testPayPage,
  type GiveFormState,
  type GivingCampaign,
  type PayPageData,
} from '../pages/give-pages.ts';
import {
  giftElsewherePage,
  giftPage,
  giftStage,
  giftStatus,
  manageFormPage,
  manageGiftsPage,
  receiptFile,
  type GiftPageData,
  type ManageProblem,
} from '../pages/gift-pages.ts';
import { errorPage } from '../pages/info-pages.ts';
import { guessCurrency } from './donor-currency.ts';
import { giftSecretsOf, keepGiftSecrets, type GiftSecrets } from './gift-cookie.ts';
import { readGiveForm, type FieldErrors, type GiveFormFields } from './give-form.ts';
import { isTestCard, type TestModePayments } from './test-mode-payments.ts';

/** How donors pay on this site: Stripe's Payment Element, or the labelled test mode with Stripe's test cards. */
export type PaymentsSetup =
  { mode: 'stripe'; publishableKey: string } | { mode: 'test'; payments: TestModePayments };

export interface GivingDeps {
  donations: DonationClient;
  campaigns: CampaignClient;
  ledger: LedgerClient;
  forms: FormGuard;
  payments: PaymentsSetup;
  /** Where donors reach this site (for Stripe's return address and the receipt file); else the request's own origin. */
  publicUrl: string | undefined;
  logger: Logger;
}

/** Stripe.js's own origins, and only on the payment page: the rest of the site keeps its self-only policy. */
const stripeContentPolicy = [
  "default-src 'self'",
  "script-src 'self' https://js.stripe.com",
  'frame-src https://js.stripe.com https://hooks.stripe.com',
  "connect-src 'self' https://api.stripe.com",
  "img-src 'self' data: https://*.stripe.com",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
].join('; ');

const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 40 });

function send(response: Response, status: number, body: string): void {
  response.status(status).type('html').set('cache-control', 'no-store').send(body);
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

function formFields(body: unknown): GiveFormFields {
  const posted = (body ?? {}) as Record<string, unknown>;
  const keys = [
    'amount',
    'customAmount',
    'currency',
    'interval',
    'email',
    'name',
    'showName',
    'geographyConsent',
    'countryOfResidence',
    'countryOfHeritage',
  ] as const;
  return Object.fromEntries(
    keys.flatMap((key) => {
      const value = posted[key];
      return typeof value === 'string' ? [[key, value.slice(0, 300)]] : [];
    }),
  );
}

/** A refusal of the donation API as what the give form says beside a field, or above the form. */
function fieldOfProblem(problem: DonationProblem): FieldErrors | null {
  switch (problem.code) {
    case 'amount-below-minimum':
      return { amount: 'amount-below-minimum' };
    case 'amount-above-maximum':
      return { amount: 'amount-above-maximum' };
    case 'currency-mismatch':
      return { currency: 'currency-unknown' };
  }
  if (problem.status !== 400) return null;
  const field = problem.field ?? '';
  if (field === 'amount') return { amount: 'amount-malformed' };
  if (field.startsWith('donor.email')) return { email: 'email-malformed' };
  if (field.startsWith('donor.name')) return { name: 'name-malformed' };
  if (field === 'countryOfResidence' || field === 'countryOfHeritage') return { [field]: 'country-unknown' };
  return null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function registerGivingRoutes(app: Express, deps: GivingDeps): void {
  const { donations, campaigns, ledger, forms, logger } = deps;
  const siteUrl = (request: Request) =>
    deps.publicUrl ?? `${request.protocol}://${request.get('host') ?? 'localhost'}`;
  const testMode = deps.payments.mode === 'test';

  async function givingCampaign(id: string): Promise<GivingCampaign | 'not-found' | 'closed'> {
    const [details, info] = await Promise.all([campaigns.details(id), ledger.campaign(id)]);
    if (!details) {
      // The campaign service answers 404 for a campaign it does not have, and nothing when it is away.
      if (info) throw new DonationServiceUnavailable('the campaign service did not answer');
      return 'not-found';
    }
    if (details.status !== 'active') return 'closed';
    return {
      id,
      title: info?.title ?? details.organization?.name ?? id,
      organizationName: details.organization?.name ?? info?.organizationName ?? '',
      currency: details.goal.currency,
    };
  }

  function renderForm(
    request: Request,
    response: Response,
    status: number,
    campaign: GivingCampaign,
    state: Omit<GiveFormState, 'csrfToken' | 'idempotencyKey' | 'testMode'>,
  ): void {
    send(
      response,
      status,
      giveFormPage(pageOf(response), campaign, {
        ...state,
        csrfToken: forms.token(request, response),
        idempotencyKey: randomUUID(),
        testMode,
      }),
    );
  }

  async function campaignOr404(request: Request, response: Response): Promise<GivingCampaign | null> {
    const found = await givingCampaign(String(request.params.id));
    if (found === 'not-found') {
      send(response, 404, errorPage(pageOf(response), 'not-found'));
      return null;
    }
    if (found === 'closed') {
      send(response, 409, errorPage(pageOf(response), 'not-taking-gifts', String(request.params.id)));
      return null;
    }
    return found;
  }

  app.get('/campaigns/:id/give', async (request, response) => {
    const campaign = await campaignOr404(request, response);
    if (!campaign) return;
    const asked = text(request.query.currency)?.toUpperCase();
    const currency =
      asked && (asked === campaign.currency || isDonorCurrency(asked))
        ? asked
        : guessCurrency(request.get('accept-language'), campaign.currency);
    const interval = request.query.interval === 'month' ? 'month' : 'once';
    renderForm(request, response, 200, campaign, {
      currency,
      fields: { interval },
      errors: {},
      formProblem: null,
    });
  });

  app.post('/campaigns/:id/give', form, async (request, response) => {
    const page = pageOf(response);
    const campaign = await campaignOr404(request, response);
    if (!campaign) return;
    const fields = formFields(request.body);
    const currency =
      fields.currency && (fields.currency === campaign.currency || isDonorCurrency(fields.currency))
        ? fields.currency
        : campaign.currency;
    if (!forms.accepts(request, (request.body as Record<string, unknown> | undefined)?.csrf)) {
      renderForm(request, response, 403, campaign, {
        currency,
        fields,
        errors: {},
        formProblem: page.t('web.give.formExpired'),
      });
      return;
    }
    const read = readGiveForm({ ...fields, currency }, { campaignId: campaign.id, locale: page.locale });
    if (read.errors) {
      renderForm(request, response, 400, campaign, {
        currency,
        fields,
        errors: read.errors,
        formProblem: null,
      });
      return;
    }
    const key = text((request.body as Record<string, unknown>).idempotencyKey);
    const idempotencyKey = key && /^[0-9a-f-]{36}$/.test(key) ? key : randomUUID();
    // A second click while the first is still being answered: the API says the key is in use; its answer comes soon.
    let started = await donations.start(read.gift, idempotencyKey, request.ip);
    for (
      let attempt = 0;
      'problem' in started && started.problem.code === 'idempotency-key-in-use' && attempt < 20;
      attempt++
    ) {
      await sleep(250);
      started = await donations.start(read.gift, idempotencyKey, request.ip);
    }
    if ('problem' in started) {
      const { problem } = started;
      if (problem.code === 'campaign-not-found') {
        send(response, 404, errorPage(page, 'not-found'));
        return;
      }
      const errors = fieldOfProblem(problem);
      if (errors) {
        renderForm(request, response, problem.status, campaign, {
          currency,
          fields,
          errors,
          formProblem: null,
        });
        return;
      }
      const formProblem =
        problem.code === 'campaign-not-active'
          ? page.t('web.give.notTakingGifts')
          : problem.status === 429
            ? page.t('web.give.tooMany', { minutes: Math.max(1, Math.ceil((problem.retryAfter ?? 60) / 60)) })
            : problem.code === 'idempotency-key-reused'
              ? page.t('web.give.sendAgain')
              : page.t('web.pay.unavailable');
      if (problem.status === 429) response.set('retry-after', String(problem.retryAfter ?? 60));
      logger.info({ code: problem.code, status: problem.status }, 'gift not started');
      renderForm(
        request,
        response,
        problem.status === 429 ? 429 : problem.status >= 500 ? 503 : 409,
        campaign,
        { currency, fields, errors: {}, formProblem },
      );
      return;
    }
    keepGiftSecrets(request, response, started.gift.donationId, {
      receiptCode: started.gift.receiptCode,
      clientSecret: started.gift.clientSecret,
    });
    response.redirect(303, `/gifts/${encodeURIComponent(started.gift.donationId)}/pay`);
  });

  app.get('/gifts/manage', (request, response) => {
    send(response, 200, manageFormPage(pageOf(response), forms.token(request, response)));
  });

  async function showGiftsOf(
    request: Request,
    response: Response,
    receiptCode: string,
    notice: 'stopped' | 'stop-failed' | null,
  ): Promise<void> {
    const page = pageOf(response);
    const problemPage = (status: number, problem: ManageProblem) =>
      send(response, status, manageFormPage(page, forms.token(request, response), problem));
    if (receiptCode.length < 16 || receiptCode.length > 128) return problemPage(400, 'malformed');
    const gifts = await donations.giftsOf(receiptCode, request.ip);
    if (gifts === null) return problemPage(404, 'unknown');
    if ('problem' in gifts) {
      response.set('retry-after', String(gifts.problem.retryAfter ?? 60));
      return problemPage(429, 'rate-limited');
    }
    const ids = [...new Set(gifts.map((gift) => gift.campaignId))];
    const titles = new Map(
      (await Promise.all(ids.map(async (id) => [id, (await ledger.campaign(id))?.title] as const))).flatMap(
        ([id, title]) => (title ? [[id, title] as [string, string]] : []),
      ),
    );
    send(
      response,
      200,
      manageGiftsPage(page, {
        gifts,
        receiptCode,
        titles,
        csrfToken: forms.token(request, response),
        notice,
      }),
    );
  }

  app.post('/gifts/manage', form, async (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!forms.accepts(request, body.csrf)) {
      send(response, 403, manageFormPage(pageOf(response), forms.token(request, response), 'expired'));
      return;
    }
    await showGiftsOf(request, response, (text(body.receiptCode) ?? '').trim(), null);
  });

  app.post('/gifts/manage/cancel', form, async (request, response) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const receiptCode = (text(body.receiptCode) ?? '').trim();
    const donationId = text(body.donationId) ?? '';
    if (!forms.accepts(request, body.csrf)) {
      send(response, 403, errorPage(pageOf(response), 'form-expired'));
      return;
    }
    if (!/^[0-9a-f-]{36}$/.test(donationId)) {
      send(response, 400, errorPage(pageOf(response), 'not-found'));
      return;
    }
    const result = await donations.cancelMonthly(donationId, receiptCode, request.ip);
    if (result !== true)
      logger.info({ code: result.code, status: result.status }, 'monthly gift not stopped');
    await showGiftsOf(request, response, receiptCode, result === true ? 'stopped' : 'stop-failed');
  });

  /** The gift whose page this is, for the browser that gave it; else the page that says where to go. */
  async function ownGift(
    request: Request,
    response: Response,
  ): Promise<{ gift: GiftView; secrets: GiftSecrets } | null> {
    const secrets = giftSecretsOf(request);
    const gift = secrets
      ? await donations.view(String(request.params.id), secrets.receiptCode, request.ip)
      : null;
    if (!secrets || !gift) {
      send(response, 404, giftElsewherePage(pageOf(response)));
      return null;
    }
    return { gift, secrets };
  }

  async function campaignTitle(campaignId: string): Promise<string> {
    return (
      (await ledger.campaign(campaignId))?.title ??
      (await campaigns.details(campaignId))?.organization?.name ??
      ''
    );
  }

  function payData(gift: GiftView, title: string, problem: PayPageData['problem']): PayPageData {
    return {
      campaign: { id: gift.campaignId, title, organizationName: '', currency: gift.settlement.currency },
      donationId: gift.id,
      amount: gift.amount,
      currency: gift.currency,
      interval: gift.interval,
      problem,
    };
  }

  app.get('/gifts/:id/pay', async (request, response) => {
    const own = await ownGift(request, response);
    if (!own) return;
    const { gift, secrets } = own;
    const stage = giftStage(gift, false);
    if (stage !== 'awaiting-payment' && stage !== 'payment-failed') {
      response.redirect(303, `/gifts/${encodeURIComponent(gift.id)}`);
      return;
    }
    const page = pageOf(response);
    const problem =
      request.query.failed === 'authentication'
        ? 'authentication-failed'
        : stage === 'payment-failed'
          ? 'declined'
          : null;
    const data = payData(gift, await campaignTitle(gift.campaignId), problem);
    if (deps.payments.mode === 'test') {
      send(response, 200, testPayPage(page, data, forms.token(request, response)));
      return;
    }
    response.set('content-security-policy', stripeContentPolicy);
    send(
      response,
      200,
      stripePayPage(page, data, {
        publishableKey: deps.payments.publishableKey,
        clientSecret: secrets.clientSecret,
        returnUrl: new URL(`/gifts/${gift.id}`, siteUrl(request)).href,
      }),
    );
  });

  if (deps.payments.mode === 'test') {
    const { payments } = deps.payments;
    app.post('/gifts/:id/pay', form, async (request, response) => {
      const own = await ownGift(request, response);
      if (!own) return;
      const { gift, secrets } = own;
      const page = pageOf(response);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const title = await campaignTitle(gift.campaignId);
      if (!forms.accepts(request, body.csrf)) {
        send(response, 403, errorPage(page, 'form-expired'));
        return;
      }
      const card = isTestCard(body.card) ? body.card : 'pm_card_visa';
      const outcome = await payments.confirm(
        secrets.clientSecret,
        card,
        new URL(`/gifts/${gift.id}`, siteUrl(request)).href,
      );
      switch (outcome.kind) {
        case 'paid':
        case 'processing':
          // As Stripe itself returns a donor after paying: the page knows the payment was sent.
          response.redirect(303, `/gifts/${encodeURIComponent(gift.id)}?redirect_status=succeeded`);
          return;
        case 'authenticate':
          response.redirect(303, outcome.url);
          return;
        case 'declined':
          send(
            response,
            402,
            testPayPage(page, payData(gift, title, 'declined'), forms.token(request, response), card),
          );
          return;
        case 'unavailable':
          logger.warn({ reason: outcome.reason, donationId: gift.id }, 'test-mode payment not confirmed');
          send(
            response,
            503,
            testPayPage(page, payData(gift, title, 'unavailable'), forms.token(request, response), card),
          );
          return;
      }
    });
  }

  /** Whether the gift is on the public record yet: asked only once the payment is confirmed, so lookups stay few. */
  async function onRecord(
    gift: GiftView,
    receiptCode: string,
    visitor: string | undefined,
  ): Promise<boolean> {
    const paid =
      gift.status === 'succeeded' ||
      gift.status === 'refunded' ||
      gift.related.some((month) => month.status === 'succeeded');
    if (!paid) return false;
    try {
      await ledger.trace(receiptCode, visitor);
      return true;
    } catch (error) {
      if (
        error instanceof NotOnLedger ||
        error instanceof LedgerRateLimited ||
        error instanceof LedgerUnavailable
      )
        return false;
      throw error;
    }
  }

  async function giftPageData(
    gift: GiftView,
    secrets: GiftSecrets,
    visitor: string | undefined,
    paymentSent: boolean,
  ): Promise<GiftPageData> {
    const [recorded, title] = await Promise.all([
      onRecord(gift, secrets.receiptCode, visitor),
      campaignTitle(gift.campaignId),
    ]);
    const firstMonth =
      gift.interval === 'month' ? gift.related.find((month) => month.status === 'succeeded') : undefined;
    const paidGift =
      firstMonth ??
      (gift.status === 'succeeded' || gift.status === 'held' || gift.status === 'refunded'
        ? gift
        : undefined);
    return {
      gift,
      campaignTitle: title,
      stage: giftStage(gift, recorded, paymentSent),
      receiptCode: secrets.receiptCode,
      paid: paidGift
        ? {
            amount: paidGift.amount,
            currency: paidGift.currency,
            fee: paidGift.fee,
            net: paidGift.net,
            settlementCurrency: gift.settlement.currency,
          }
        : null,
    };
  }

  app.get('/gifts/:id', async (request, response) => {
    const own = await ownGift(request, response);
    if (!own) return;
    const { gift, secrets } = own;
    // Back from the bank's check: a failed one leaves the gift unpaid, and the donor on the payment step again.
    if (request.query.redirect_status === 'failed' && gift.status === 'pending') {
      response.redirect(303, `/gifts/${encodeURIComponent(gift.id)}/pay?failed=authentication`);
      return;
    }
    send(
      response,
      200,
      giftPage(
        pageOf(response),
        await giftPageData(gift, secrets, request.ip, request.query.redirect_status === 'succeeded'),
        forms.token(request, response),
      ),
    );
  });

  app.get('/gifts/:id/status', async (request, response) => {
    const own = await ownGift(request, response);
    if (!own) return;
    const data = await giftPageData(
      own.gift,
      own.secrets,
      request.ip,
      request.query.redirect_status === 'succeeded',
    );
    response
      .status(200)
      .type('html')
      .set('cache-control', 'no-store')
      .send(giftStatus(pageOf(response), data, forms.token(request, response)).value);
  });

  app.get('/gifts/:id/receipt.txt', async (request, response) => {
    const own = await ownGift(request, response);
    if (!own) return;
    response
      .status(200)
      .type('text/plain; charset=utf-8')
      .set('cache-control', 'no-store')
      .set('content-disposition', `attachment; filename="receipt-${own.gift.publicRef}.txt"`)
      .send(receiptFile(pageOf(response), own.gift, own.secrets.receiptCode, siteUrl(request)));
  });
}
