import type { Express, Request, Response } from 'express';
import { parseAmount } from '../giving/amounts.ts';
import { readMultipartForm, MultipartFormRefused } from '../http/multipart-form.ts';
import { pageOf } from '../locale.ts';
import type { PageContext } from '../pages/page-context.ts';
import type { ConsoleApis, ConsoleDeps } from './console-app.ts';
import {
  confirmPage,
  consoleForm,
  forgedPage,
  formField,
  refusalPage,
  sendPage,
  type ConsoleCampaign,
  type ConsoleUpdate,
} from './console-kit.ts';
import { sessionOf, type ConsoleSession } from './console-session.ts';
import {
  campaignConsolePage,
  campaignFormPage,
  campaignListPage,
  emptyCampaignValues,
  isCampaignDone,
  valuesOf,
  type CampaignField,
  type CampaignFormState,
  type CampaignValues,
  type UpdateField,
  type UpdateFormState,
} from './campaign-console-pages.ts';
import { ConsoleServiceProblem } from './service-api.ts';

/** The photo limit of the campaign service: a larger file is refused here before it is sent on. */
const photoLimitBytes = 5 * 1024 * 1024;

export async function organizationCampaigns(
  apis: ConsoleApis,
  session: ConsoleSession,
): Promise<ConsoleCampaign[]> {
  return (
    await apis.campaign<{ campaigns: ConsoleCampaign[] }>(
      session,
      `/v1/organizations/${session.organizationId}/campaigns`,
    )
  ).campaigns;
}

function campaignValuesFrom(body: (name: string) => string): CampaignValues {
  return {
    title: body('title'),
    summary: body('summary'),
    amount: body('amount'),
    currency: body('currency').toUpperCase(),
    kind: body('kind'),
    countries: body('countries').toUpperCase(),
    glide: body('glide').toUpperCase(),
  };
}

/** What can be told without asking the service: the fields people most often get wrong, said in their language. */
function checkCampaign(
  page: PageContext,
  values: CampaignValues,
): { errors: CampaignFormState['errors']; amount: number | null; countries: string[] } {
  const { t } = page;
  const errors: CampaignFormState['errors'] = {};
  if (values.title === '') errors.title = t('console.form.required');
  if (values.summary === '') errors.summary = t('console.form.required');
  const amount = /^[A-Z]{3}$/.test(values.currency)
    ? parseAmount(values.amount, values.currency)
    : 'malformed';
  if (typeof amount !== 'number' || amount <= 0)
    errors.amount =
      values.amount === '' ? t('console.form.required') : t('console.campaignForm.amountInvalid');
  const countries = values.countries.split(/[\s,;]+/).filter(Boolean);
  if (countries.length === 0) errors.countries = t('console.form.required');
  else if (!countries.every((code) => /^[A-Z]{2}$/.test(code)))
    errors.countries = t('console.campaignForm.countriesInvalid');
  return { errors, amount: typeof amount === 'number' ? amount : null, countries };
}

/** The form field a service's refusal names (its `field` is a JSON path into the body it was sent). */
function campaignFieldOf(field: string | undefined): CampaignField | null {
  if (!field) return null;
  if (field.startsWith('goal.amount')) return 'amount';
  if (field.startsWith('goal.currency') || field === 'goal') return 'currency';
  if (field.startsWith('crisis.countries')) return 'countries';
  if (field.startsWith('crisis.glide')) return 'glide';
  if (field.startsWith('crisis.kind')) return 'kind';
  if (field === 'title' || field === 'summary') return field;
  return null;
}

function updateFieldOf(field: string | undefined): UpdateField | null {
  if (field === 'title') return 'updateTitle';
  if (field === 'body') return 'updateBody';
  if (field === 'photo') return 'photo';
  return null;
}

/** Campaigns in the console: the list, create and edit, publish and close, and posting updates with a photo. */
export function registerCampaignConsoleRoutes(app: Express, deps: ConsoleDeps & { apis: ConsoleApis }): void {
  const { sessions, forms, apis } = deps;
  const signedIn = sessions.required();

  const campaignOf = (session: ConsoleSession, id: string) =>
    apis.campaign<ConsoleCampaign & { updates: ConsoleUpdate[] }>(
      session,
      `/v1/campaigns/${encodeURIComponent(id)}`,
    );

  app.get('/console/campaigns', signedIn, async (request, response) => {
    const session = sessionOf(response);
    sendPage(
      response,
      200,
      campaignListPage(
        pageOf(response),
        session,
        forms.token(request, response),
        await organizationCampaigns(apis, session),
      ),
    );
  });

  app.get('/console/campaigns/new', signedIn, (request, response) => {
    const state: CampaignFormState = { values: emptyCampaignValues, errors: {} };
    sendPage(
      response,
      200,
      campaignFormPage(pageOf(response), sessionOf(response), forms.token(request, response), state, {}),
    );
  });

  /** Create (no id) or change a campaign from the posted form; the service decides, and its refusal is shown on the form. */
  async function saveCampaign(
    request: Request,
    response: Response,
    campaignId: string | undefined,
  ): Promise<void> {
    const page = pageOf(response);
    const session = sessionOf(response);
    const csrfToken = forms.token(request, response);
    const back = campaignId ? `/console/campaigns/${campaignId}` : '/console/campaigns';
    if (!forms.accepts(request, formField(request, 'csrf')))
      return sendPage(response, 403, forgedPage(page, session, csrfToken, back));
    const values = campaignValuesFrom((name) => formField(request, name));
    const target = campaignId ? { campaignId } : {};
    const { errors, amount, countries } = checkCampaign(page, values);
    if (Object.keys(errors).length > 0 || amount === null)
      return sendPage(response, 400, campaignFormPage(page, session, csrfToken, { values, errors }, target));
    const json = {
      title: values.title,
      summary: values.summary,
      goal: { amount, currency: values.currency },
      crisis: { kind: values.kind, countries, ...(values.glide ? { glide: values.glide } : {}) },
    };
    try {
      const saved = campaignId
        ? await apis.campaign<ConsoleCampaign>(session, `/v1/campaigns/${encodeURIComponent(campaignId)}`, {
            method: 'PATCH',
            json,
          })
        : await apis.campaign<ConsoleCampaign>(session, '/v1/campaigns', { json });
      response.redirect(303, `/console/campaigns/${saved.id}?done=${campaignId ? 'saved' : 'created'}`);
    } catch (error) {
      if (!(error instanceof ConsoleServiceProblem) || error.status === 401) throw error;
      const field = campaignFieldOf(error.field);
      const state: CampaignFormState = field
        ? { values, errors: { [field]: error.detail } }
        : { values, errors: {}, problem: error.detail };
      sendPage(response, error.status, campaignFormPage(page, session, csrfToken, state, target));
    }
  }

  app.post('/console/campaigns', signedIn, consoleForm, (request, response) =>
    saveCampaign(request, response, undefined),
  );

  app.get('/console/campaigns/:id', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const { updates, ...campaign } = await campaignOf(session, String(request.params.id));
    const done = isCampaignDone(request.query.done) ? request.query.done : undefined;
    sendPage(
      response,
      200,
      campaignConsolePage(pageOf(response), session, forms.token(request, response), {
        campaign,
        updates,
        done,
      }),
    );
  });

  app.get('/console/campaigns/:id/edit', signedIn, async (request, response) => {
    const session = sessionOf(response);
    const campaign = await campaignOf(session, String(request.params.id));
    const state: CampaignFormState = { values: valuesOf(campaign), errors: {} };
    sendPage(
      response,
      200,
      campaignFormPage(pageOf(response), session, forms.token(request, response), state, {
        campaignId: campaign.id,
        published: campaign.status !== 'draft',
      }),
    );
  });

  app.post('/console/campaigns/:id/edit', signedIn, consoleForm, (request, response) =>
    saveCampaign(request, response, String(request.params.id)),
  );

  // Closing cannot be undone: the campaign page links here, and this page asks first.
  app.get('/console/campaigns/:id/close', signedIn, async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    const session = sessionOf(response);
    const campaign = await campaignOf(session, String(request.params.id));
    sendPage(
      response,
      200,
      confirmPage(page, session, forms.token(request, response), {
        question: t('console.confirm.closeQuestion', { title: campaign.title }),
        consequence: t('console.confirm.closeConsequence'),
        action: `/console/campaigns/${campaign.id}/close`,
        button: t('console.campaign.close'),
        back: `/console/campaigns/${campaign.id}`,
        section: 'campaigns',
      }),
    );
  });

  for (const transition of ['publish', 'close'] as const) {
    app.post(`/console/campaigns/:id/${transition}`, signedIn, consoleForm, async (request, response) => {
      const page = pageOf(response);
      const session = sessionOf(response);
      const id = String(request.params.id);
      const csrfToken = forms.token(request, response);
      if (!forms.accepts(request, formField(request, 'csrf')))
        return sendPage(response, 403, forgedPage(page, session, csrfToken, `/console/campaigns/${id}`));
      try {
        await apis.campaign(session, `/v1/campaigns/${encodeURIComponent(id)}/${transition}`, {
          method: 'POST',
        });
      } catch (error) {
        if (!(error instanceof ConsoleServiceProblem) || error.status === 401) throw error;
        return sendPage(
          response,
          error.status,
          refusalPage(page, session, csrfToken, error.detail, `/console/campaigns/${id}`, 'campaigns'),
        );
      }
      response.redirect(
        303,
        `/console/campaigns/${id}?done=${transition === 'publish' ? 'published' : 'closed'}`,
      );
    });
  }

  app.post('/console/campaigns/:id/updates', signedIn, async (request, response) => {
    const page = pageOf(response);
    const { t } = page;
    const session = sessionOf(response);
    const id = String(request.params.id);
    const csrfToken = forms.token(request, response);
    const again = async (status: number, state: UpdateFormState) => {
      const { updates, ...campaign } = await campaignOf(session, id);
      sendPage(
        response,
        status,
        campaignConsolePage(page, session, csrfToken, { campaign, updates, updateForm: state }),
      );
    };
    let form;
    try {
      form = await readMultipartForm(request, { fileBytes: photoLimitBytes, files: 1, fields: 5 });
    } catch (error) {
      // Nothing is done with a form that could not be read; the person is told what to change.
      if (error instanceof MultipartFormRefused && error.reason === 'too-large') {
        return again(413, {
          values: { updateTitle: '', updateBody: '' },
          errors: { photo: t('console.update.photoTooLarge') },
        });
      }
      throw error;
    }
    if (!forms.accepts(request, form.fields['csrf']))
      return sendPage(response, 403, forgedPage(page, session, csrfToken, `/console/campaigns/${id}`));
    const values = {
      updateTitle: (form.fields['updateTitle'] ?? '').trim(),
      updateBody: (form.fields['updateBody'] ?? '').trim(),
    };
    const photo = form.files.find((file) => file.field === 'photo' && file.bytes.length > 0);
    const errors: UpdateFormState['errors'] = {};
    if (values.updateTitle === '') errors.updateTitle = t('console.form.required');
    if (values.updateBody === '') errors.updateBody = t('console.form.required');
    if (Object.keys(errors).length > 0) return again(400, { values, errors });
    try {
      await apis.campaign(session, `/v1/campaigns/${encodeURIComponent(id)}/updates`, {
        json: {
          title: values.updateTitle,
          body: values.updateBody,
          ...(photo ? { photo: photo.bytes.toString('base64') } : {}),
        },
      });
    } catch (error) {
      if (!(error instanceof ConsoleServiceProblem) || error.status === 401) throw error;
      const field = updateFieldOf(error.field);
      // The photo's refusals are the ones people meet most: said in their language, the service's words otherwise.
      const detail =
        error.code === 'photo-unsupported'
          ? t('console.update.photoType')
          : error.code === 'photo-too-large'
            ? t('console.update.photoTooLarge')
            : error.detail;
      return again(
        error.status,
        field ? { values, errors: { [field]: detail } } : { values, errors: {}, problem: detail },
      );
    }
    response.redirect(303, `/console/campaigns/${id}?done=update-posted#updates`);
  });
}
